// npm run demo: `npm start` on a data directory of its own (DATA_DIR,
// default .data/demo, so it never mixes with a real network in .data), and
// on its first start a demo network seeded through the graph
// (scripts/demo/seed-network.ts) with every person's credentials written
// beside it (scripts/demo/people-files.ts). Later runs find people.json and
// just start.
//
// It runs the all-in-one start as a child process, exactly as `npm start`
// does, and seeds it from outside like any terminal would, once the child
// prints that it is ready. The child runs in the same process group, so
// Ctrl-C reaches it directly; SIGINT, SIGTERM and SIGHUP sent to this
// process are passed on as SIGTERM (the start handles both, once).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { repoPath } from '../lib/repo-paths';
import { formatStartupProblems, StartupError } from '../lib/startup-error';
import { tryFirstKey } from './demo/demo-network';
import {
  peopleJsonName,
  peopleTextName,
  readPeopleFile,
  seedingMarkerName,
  writePeopleFiles,
  type PeopleFile,
} from './demo/people-files';
import { seedDemoNetwork } from './demo/seed-network';

const readyLine = /Renkei is ready\. GraphQL: (\S+)/;

const launched = Date.now();
function say(line: string): void {
  process.stdout.write(`demo: ${((Date.now() - launched) / 1000).toFixed(1).padStart(5)} s  ${line}\n`);
}

/** The first administrator's one-time credentials, as start/bootstrap-files.ts writes them. */
function readBootstrap(dataDir: string) {
  const dir = path.join(dataDir, 'bootstrap');
  const text = fs.readFileSync(path.join(dir, 'system-admin.txt'), 'utf8');
  const field = (label: string) => {
    const value = new RegExp(`^${label}:\\s+(\\S+)`, 'm').exec(text)?.[1];
    if (!value) throw new Error(`${dir}/system-admin.txt has no "${label}"`);
    return value;
  };
  return {
    accountId: field('account ID'),
    initialPassword: field('initial password'),
    terminal: { pfx: fs.readFileSync(field('certificate')), passphrase: field('certificate passphrase') },
  };
}

/** What to type to try it, relative to where the user is when the data directory is below it. */
function tryCommand(dataDir: string, port: number): string {
  const relative = path.relative(process.cwd(), dataDir);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : dataDir;
  return `${port === 4000 ? '' : `PORT=${port} `}DATA_DIR=${shown} scripts/walkthrough.sh`;
}

function summary(dataDir: string, port: number, people: PeopleFile): string {
  return [
    '',
    `Demo network ready: ${people.people.length} people at ${people.facilities.length} facilities, ${people.rooms.length} rooms, ` +
      `${people.pendingRoomApplications.length} room application waiting, 1 partner network.`,
    `Who is who (account IDs, passwords, certificates and passphrases): ${path.join(dataDir, peopleTextName)}`,
    `Try it (signs in as ${people.tryFirst} and reads a room's timeline):`,
    `  ${tryCommand(dataDir, port)}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const env = { ...process.env, DATA_DIR: process.env.DATA_DIR ?? '.data/demo' };
  const config = loadConfig(env, []);
  if (config.clientCertMode !== 'tls')
    throw new StartupError([
      "CLIENT_CERT_MODE: the demo's people sign in with terminal certificates, so it runs only with tls (the default)",
    ]);
  const seeded = readPeopleFile(config.dataDir);
  const bootstrapFile = path.join(config.dataDir, 'bootstrap', 'system-admin.txt');
  if (!seeded && fs.existsSync(bootstrapFile))
    throw new StartupError([
      `DATA_DIR: ${config.dataDir} holds a network that is not a finished demo (no ${peopleJsonName}). ` +
        `If it is an earlier demo whose seeding stopped, delete the directory and run npm run demo again.`,
    ]);

  const startedAt = Date.now();
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '--import', 'tsx', repoPath('start', 'all-in-one.ts')],
    {
      env,
      stdio: ['inherit', 'pipe', 'inherit'],
    },
  );
  let stopping = false;
  let seedingFailed = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    child.kill('SIGTERM');
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
  child.on('exit', (code, signal) => {
    if (signal && !stopping) process.stderr.write(`demo: the network's process was stopped by ${signal}\n`);
    process.exit(seedingFailed || code === null ? 1 : code);
  });

  let output = '';
  const ready = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
      const match = readyLine.exec(output);
      if (match) {
        output = '';
        resolve(match[1] as string);
      }
    });
  });
  const graphqlUrl = new URL(await ready);
  // A wildcard address is where the gateway listens, not one to connect to (nor one its certificate names).
  if (graphqlUrl.hostname === '0.0.0.0' || graphqlUrl.hostname === '[::]') graphqlUrl.hostname = '127.0.0.1';

  try {
    let people = seeded;
    if (!people) {
      // Seed only a network this start has just created: never one that already had users.
      if (!fs.existsSync(bootstrapFile) || fs.statSync(bootstrapFile).mtimeMs < startedAt - 1000)
        throw new Error(
          'the database already had users, so this is not a new network: the demo seeds only an empty one (unset DATABASE_URL, or point it at an empty database)',
        );
      // Until people.json is written, the walkthrough says the demo is not ready rather than using the bootstrap files.
      fs.writeFileSync(path.join(config.dataDir, seedingMarkerName), 'npm run demo is seeding this network\n');
      const caPath = path.join(config.caDir, 'ca.crt');
      const network = await seedDemoNetwork({
        graphqlUrl: graphqlUrl.toString(),
        caPem: fs.readFileSync(caPath, 'utf8'),
        admin: readBootstrap(config.dataDir),
        progress: say,
      });
      people = writePeopleFiles(config.dataDir, caPath, network, tryFirstKey);
      fs.rmSync(path.join(config.dataDir, seedingMarkerName));
      say('seeded');
    }
    process.stdout.write(summary(config.dataDir, config.port, people));
  } catch (error) {
    process.stderr.write(`demo: the demo network could not be seeded: ${(error as Error).message}\n`);
    seedingFailed = true;
    stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
    process.exit(1);
  }
  throw error;
});
