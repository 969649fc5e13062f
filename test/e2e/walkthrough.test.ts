// The README's walkthrough, run as the README tells a newcomer to run it:
// scripts/walkthrough.sh (bash, curl and node, nothing from the test) against
// the all-in-one start (npm start's entry), and against `npm run demo`'s
// network, which the demo seeds through the graph on its first start and
// only starts again on the next. Both run on an empty database of their own
// on the test PostgreSQL and on the test Redis (the embedded ones are
// all-in-one.test.ts's subject), so only what the walkthrough is about costs
// time.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { repoPath } from '../../lib/repo-paths';
import { demoSubjects } from '../../scripts/demo/demo-network';
import type { PeopleFile } from '../../scripts/demo/people-files';
import { adminDatabaseUrl, databasePrefix, databaseUrlFor, redisUrl, uniqueName } from '../support/environment';
import { clearRedisPrefixes } from '../support/redis-keys';
import { freePort, minimalEnv, spawnEntry, type ServiceProcess } from '../support/spawn-service';

jest.setTimeout(240_000);

// One queue prefix per system: two systems on one Redis and one prefix would run each other's jobs.
const prefixes: string[] = [];
const databases: string[] = [];
const tempDirs: string[] = [];
const started: ServiceProcess[] = [];

async function onAdminDatabase(sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** An empty database (not the test template, which already has its administrator): the start migrates and bootstraps it. */
async function emptyDatabase(): Promise<string> {
  const name = uniqueName(databasePrefix);
  await onAdminDatabase(`CREATE DATABASE ${name}`);
  databases.push(name);
  return databaseUrlFor(name);
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-walkthrough-'));
  tempDirs.push(dir);
  return dir;
}

/** What npm start or npm run demo gets: the test's PostgreSQL and Redis, its own port, data directory and queue prefix. */
async function serviceEnv(dataDir: string, port: number) {
  return minimalEnv({
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: await emptyDatabase(),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefixes[prefixes.push(uniqueName('walkthrough').replace(/_/g, '-')) - 1] as string,
  });
}

/** Starts `npm start`'s or `npm run demo`'s entry as those commands do: from the sources through tsx. */
function start(entry: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const service = spawnEntry(entry, env, [], 'tsx');
  started.push(service);
  return service;
}

/** Runs scripts/walkthrough.sh as the README does, with only PATH, HOME and what the README sets. */
function walkthrough(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [repoPath('scripts', 'walkthrough.sh'), ...args],
      { cwd: repoPath(), env: minimalEnv(env), timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

afterAll(async () => {
  for (const service of started) service.killGroup();
  for (const name of databases) await onAdminDatabase(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await clearRedisPrefixes(...prefixes);
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the walkthrough on npm start', () => {
  it('signs in as the first administrator, changes the one-time password and reaches the new room’s timeline', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const service = start('start/all-in-one.ts', await serviceEnv(dataDir, port));
    await service.waitForStdout(/Renkei is ready/, 90_000);

    const first = await walkthrough({ PORT: String(port), DATA_DIR: dataDir });
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toContain('The one-time password is changed');
    expect(first.stdout).toMatch(/Registered the subject 高岡 太郎 \(born \d{4}-\d{2}-\d{2}\): [0-9a-f-]{36}/);
    expect(first.stdout).toMatch(/Opened the room [0-9a-f-]{36}\./);
    // The post is in the timeline the script read back, under the room and its subject from the other subgraphs.
    expect(first.stdout).toContain(
      'Room "太郎さんの部屋": subject 高岡 太郎, consent GRANTED, members System administrator',
    );
    expect(first.stdout).toMatch(
      /Timeline \(newest first\):\n {2}\[COORDINATION\] System administrator \(.+\), \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n {4}退院前カンファレンスを来週火曜14時に行います。/,
    );

    // Run again as the README says, with the password it printed: a second subject and room, read back the same way.
    // Without it, the one-time password no longer signs in, and the script says what to do. (Both at once: they
    // are independent, and the file's time is mostly waiting.)
    const password = /The new password: (\S+)/.exec(first.stdout)?.[1] as string;
    const [again, forgotten] = await Promise.all([
      walkthrough({ PORT: String(port), DATA_DIR: dataDir, PASSWORD: password }),
      walkthrough({ PORT: String(port), DATA_DIR: dataDir }),
    ]);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(again.stdout).not.toContain('one-time password');
    expect(again.stdout).toContain('退院前カンファレンスを来週火曜14時に行います。');
    expect(forgotten.code).toBe(1);
    expect(forgotten.stderr).toContain('set PASSWORD to the new one');

    service.child.kill('SIGTERM');
    expect((await service.waitForExit(30_000)).code).toBe(0);
  });
});

// The demo seeds while the npm start walkthrough runs (most of either is waiting for the other
// subgraphs to hear of a step), so it starts before any test.
const demoDataDir = path.join(tempDir(), 'demo');
const demoReady = /Demo network ready: .*\n.*\n.*\n {2}(.+)\n/;
let demoPort: number;
let demoEnv: NodeJS.ProcessEnv;
let demo: ServiceProcess;
let seeded: Promise<RegExpMatchArray>;
let tooEarly: Promise<Awaited<ReturnType<typeof walkthrough>>>;
beforeAll(async () => {
  demoPort = await freePort();
  demoEnv = await serviceEnv(demoDataDir, demoPort);
  demo = start('scripts/demo.ts', demoEnv);
  seeded = demo.waitForStdout(demoReady, 200_000);
  // Someone who runs the walkthrough while the demo is still seeding (its first step has just begun).
  tooEarly = demo
    .waitForStdout(/demo: .* signing in as the system administrator/, 200_000)
    .then(() => walkthrough({ PORT: String(demoPort), DATA_DIR: demoDataDir }));
  // Both awaited by the demo's first test.
  seeded.catch(() => undefined);
  tooEarly.catch(() => undefined);
});

describe('npm run demo and the walkthrough on its network', () => {
  const dataDir = demoDataDir;
  const ready = demoReady;

  it('seeds the network through the graph on its first start and prints where its people are', async () => {
    const [, tryCommand] = await seeded;
    const early = await tooEarly;
    expect({ code: early.code, stderr: early.stderr }).toEqual({
      code: 1,
      stderr: expect.stringContaining(`npm run demo is still seeding ${dataDir}`),
    });
    expect(fs.existsSync(path.join(dataDir, 'demo-seeding'))).toBe(false);
    expect(demo.stdout()).toContain('demo: ');
    expect(demo.stdout()).toContain(
      'Demo network ready: 19 people at 9 facilities, 2 rooms, 1 room application waiting, 1 partner network.',
    );
    expect(tryCommand).toBe(`PORT=${demoPort} DATA_DIR=${dataDir} scripts/walkthrough.sh`);

    const people = JSON.parse(fs.readFileSync(path.join(dataDir, 'people.json'), 'utf8')) as PeopleFile;
    expect(new Set(people.people.map((p) => p.role))).toEqual(
      new Set(['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER']),
    );
    expect(new Set(people.facilities.map((f) => f.kind)).size).toBe(8); // every kind Art. 6 names
    for (const person of people.people) {
      expect(fs.statSync(path.join(dataDir, person.certificate)).mode & 0o077).toBe(0);
    }
    expect(fs.statSync(path.join(dataDir, 'people.txt')).mode & 0o077).toBe(0);
    expect(people.pendingRoomApplications).toHaveLength(1);

    // Stopped the way Ctrl-C or a service manager stops it: the all-in-one child stops too.
    demo.child.kill('SIGTERM');
    expect((await demo.waitForExit(30_000)).code).toBe(0);
  });

  it('starts the seeded network again without seeding it twice', async () => {
    const peopleBefore = fs.readFileSync(path.join(dataDir, 'people.json'), 'utf8');
    const again = start('scripts/demo.ts', demoEnv);
    await again.waitForStdout(ready, 120_000);
    expect(again.stdout()).not.toContain('demo: ');
    expect(fs.readFileSync(path.join(dataDir, 'people.json'), 'utf8')).toBe(peopleBefore);
  });

  it('signs in as a demo user and reads the timeline of that user’s newest room', async () => {
    const result = await walkthrough({ PORT: String(demoPort), DATA_DIR: dataDir });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const room = demoSubjects[demoSubjects.length - 1]!.room;
    expect(result.stdout).toContain(`Room "${room.title}"`);
    // Every post of the room, newest first.
    const bodies = room.posts.map((post) => post.body).reverse();
    const positions = bodies.map((body) => result.stdout.indexOf(body));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
