// The "two commands" promise: with nothing but PATH and HOME set, the
// all-in-one start embeds PostgreSQL (PGlite) and runs a private
// redis-server under DATA_DIR, serves the federated graph, guards DATA_DIR
// against a second process, stops cleanly on SIGTERM without leaving
// redis-server behind, and finds its data again after a restart.
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import {
  descendantPids,
  freePort,
  isAlive,
  isListening,
  minimalEnv,
  runToExit,
  spawnEntry,
  stackFrame,
  type ServiceProcess,
} from '../support/spawn-service';
import { eventually } from '../support/eventually';

jest.setTimeout(180_000);

// npm start's entry, run as npm start runs it: from the sources through tsx.
const entry = 'start/all-in-one.ts';
const readyLine = /Renkei is ready\. GraphQL: (\S+)/;

const tempDirs: string[] = [];
const started: ServiceProcess[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-e2e-'));
  tempDirs.push(dir);
  return dir;
}

async function startAllInOne(dataDir: string, port: number): Promise<{ service: ServiceProcess; graphqlUrl: string }> {
  const service = spawnEntry(
    entry,
    minimalEnv({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
    [],
    'tsx',
  );
  started.push(service);
  const match = await service.waitForStdout(readyLine, 60_000);
  return { service, graphqlUrl: match[1] as string };
}

interface Terminal {
  ca: Buffer;
  pfx?: Buffer;
  passphrase?: string;
}

/** An HTTPS request as a terminal makes it: the network CA trusted, its certificate presented (or none). */
function httpsRequest(
  url: string | URL,
  terminal: Terminal,
  body?: unknown,
  token?: string,
): Promise<{ status: number; json: any; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        ca: terminal.ca,
        pfx: terminal.pfx,
        passphrase: terminal.passphrase,
        agent: false,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            json: text && response.headers['content-type']?.includes('json') ? JSON.parse(text) : null,
            text,
            headers: response.headers,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function graphql<T>(
  url: string,
  terminal: Terminal,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const { status, json } = await httpsRequest(url, terminal, { query, variables }, token);
  if (status !== 200 || json.errors) throw new Error(`GraphQL ${status}: ${JSON.stringify(json)}`);
  return json.data as T;
}

/** What the first start wrote for the first system administrator. */
function bootstrapOf(dataDir: string): { accountId: string; initialPassword: string; terminal: Terminal } {
  const text = fs.readFileSync(path.join(dataDir, 'bootstrap', 'system-admin.txt'), 'utf8');
  const field = (label: string) => new RegExp(`^${label}:\\s+(\\S+)`, 'm').exec(text)?.[1] as string;
  return {
    accountId: field('account ID'),
    initialPassword: field('initial password'),
    terminal: {
      ca: fs.readFileSync(path.join(dataDir, 'ca', 'ca.crt')),
      pfx: fs.readFileSync(path.join(dataDir, 'bootstrap', 'system-admin.p12')),
      passphrase: field('certificate passphrase'),
    },
  };
}

const newPassword = 'takaoka renkei 2026 first admin';

/** Every embedded redis-server seen, so one orphaned by a failure can be killed after the tests. */
const redisPidsSeen = new Set<number>();

/** The redis-server children of a running all-in-one process. */
function embeddedRedisPids(service: ServiceProcess): number[] {
  const pids = descendantPids(service.pid, 'redis-server');
  for (const pid of pids) redisPidsSeen.add(pid);
  return pids;
}

async function stopWithSigterm(service: ServiceProcess) {
  service.child.kill('SIGTERM'); // the launcher's pid only, as `kill <pid>` would
  return service.waitForExit(20_000);
}

const roomsQuery = '{ rooms { items { id title subject { name } consentStatus } } }';
type RoomsResult = {
  rooms: { items: Array<{ id: string; title: string; subject: { name: string }; consentStatus: string }> };
};

describe('all-in-one start with nothing configured', () => {
  const dataDir = tempDir();
  const subjectName = '連携 花子';
  const roomTitle = '在宅療養チーム';
  let first: ServiceProcess;
  let graphqlUrl: string;
  let roomId: string;

  beforeAll(async () => {
    ({ service: first, graphqlUrl } = await startAllInOne(dataDir, await freePort()));
  });

  afterAll(() => {
    for (const service of started) service.killGroup();
    // An embedded redis-server orphaned by a failed shutdown would keep running.
    for (const pid of redisPidsSeen) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the first system administrator and serves HTTPS that requires a network certificate', async () => {
    expect(graphqlUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const admin = bootstrapOf(dataDir);
    expect(fs.statSync(path.join(dataDir, 'bootstrap', 'system-admin.txt')).mode & 0o077).toBe(0);
    const anonymous = await httpsRequest(graphqlUrl, { ca: admin.terminal.ca }, { query: '{ __typename }' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('serves the federated graph to the signed-in system administrator', async () => {
    const admin = bootstrapOf(dataDir);
    const { signIn } = await graphql<{ signIn: { token: string; mustChangePassword: boolean } }>(
      graphqlUrl,
      admin.terminal,
      undefined,
      'mutation ($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token mustChangePassword } }',
      { a: admin.accountId, p: admin.initialPassword },
    );
    expect(signIn.mustChangePassword).toBe(true);
    await graphql(
      graphqlUrl,
      admin.terminal,
      signIn.token,
      'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
      {
        c: admin.initialPassword,
        n: newPassword,
      },
    );
    const token = signIn.token;
    const { registerSubject } = await graphql<{ registerSubject: { id: string; name: string } }>(
      graphqlUrl,
      admin.terminal,
      token,
      'mutation ($input: RegisterSubjectInput!) { registerSubject(input: $input) { id name } }',
      {
        input: {
          name: subjectName,
          nameKana: 'レンケイ ハナコ',
          birthDate: '1938-04-01',
          category: 'RECEIVING_HOME_SUPPORT',
        },
      },
    );
    expect(registerSubject.name).toBe(subjectName);

    // Consent and rooms learn of the new subject from identity's outbox within a second.
    const consented = await eventually(
      () =>
        httpsRequest(
          graphqlUrl,
          admin.terminal,
          {
            query: 'mutation ($input: ConsentInput!) { recordConsent(input: $input) { state subject { id } } }',
            variables: {
              input: {
                subjectId: registerSubject.id,
                explanation: { explainedOn: '2025-04-01' },
                signature: {
                  signedBy: 'FAMILY',
                  signerName: '連携 一郎',
                  relationship: '長男',
                  signedOn: '2025-04-02',
                },
                purposes: ['PROVIDE_SERVICES', 'SERVICE_STAFF_MEETINGS'],
              },
            },
          },
          token,
        ),
      (response) => response.status === 200 && !response.json.errors,
    );
    const recordConsent = consented.json.data?.recordConsent;
    expect(recordConsent).toEqual({ state: 'GRANTED', subject: { id: registerSubject.id } });

    // A room opens only once rooms has learnt of the consent (the worker relays consent's event within a second).
    const opened = await eventually(
      () =>
        httpsRequest(
          graphqlUrl,
          admin.terminal,
          {
            query: 'mutation ($input: OpenRoomInput!) { openRoom(input: $input) { id title } }',
            variables: { input: { subjectId: registerSubject.id, title: roomTitle } },
          },
          token,
        ),
      (response) => response.status === 200 && !response.json.errors,
    );
    expect(opened.json.errors).toBeUndefined();
    const openRoom = opened.json.data.openRoom as { id: string; title: string };
    expect(openRoom.title).toBe(roomTitle);
    roomId = openRoom.id;

    const { rooms } = await graphql<RoomsResult>(graphqlUrl, admin.terminal, token, roomsQuery);
    expect(rooms.items).toEqual([
      { id: roomId, title: roomTitle, subject: { name: subjectName }, consentStatus: 'GRANTED' },
    ]);
  });

  it('serves the web console at the URL it prints, with its own files only', async () => {
    const base = new URL(graphqlUrl);
    const consoleUrl = new URL('/', base).toString();
    expect(started[0]?.stdout()).toContain(`Console: ${consoleUrl}`);
    const page = await httpsRequest(consoleUrl, bootstrapOf(dataDir).terminal);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('<div id="root"></div>');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    expect((await httpsRequest(new URL(script!, base), bootstrapOf(dataDir).terminal)).status).toBe(200);
  });

  it('answers /healthz and /readyz with every check ok', async () => {
    const base = new URL(graphqlUrl);
    const { ca } = bootstrapOf(dataDir).terminal;
    const health = await httpsRequest(new URL('/healthz', base), { ca });
    expect(health.status).toBe(200);
    const ready = await httpsRequest(new URL('/readyz', base), { ca });
    expect({ status: ready.status, report: ready.json }).toEqual({
      status: 200,
      report: { status: 'ok', checks: { identity: 'ok', rooms: 'ok', consent: 'ok', redis: 'ok' } },
    });
  });

  it('refuses a second process on the same DATA_DIR', async () => {
    const result = await runToExit(
      entry,
      minimalEnv({ DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
      60_000,
      [],
      'tsx',
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 1,
      stderr: expect.stringMatching(/^Renkei cannot start:\n/),
    });
    expect(result.stderr).toContain(`DATA_DIR: ${dataDir}`);
    expect(result.stderr).not.toMatch(stackFrame);
    // The first process is untouched.
    expect((await httpsRequest(new URL('/healthz', graphqlUrl), { ca: bootstrapOf(dataDir).terminal.ca })).status).toBe(
      200,
    );
  });

  it('stops on SIGTERM with exit code 0 and leaves no redis-server behind', async () => {
    const redisPids = embeddedRedisPids(first);
    const gatewayPort = Number(new URL(graphqlUrl).port);

    const result = await stopWithSigterm(first);
    expect(redisPids).toHaveLength(1);
    expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: expect.any(String),
    });
    expect(redisPids.filter(isAlive)).toEqual([]);
    expect(await isListening(gatewayPort)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'renkei.lock'))).toBe(false);
  });

  it('finds the same data after a restart on the same DATA_DIR', async () => {
    const second = await startAllInOne(dataDir, await freePort());
    const admin = bootstrapOf(dataDir);
    const { signIn } = await graphql<{ signIn: { token: string; mustChangePassword: boolean } }>(
      second.graphqlUrl,
      admin.terminal,
      undefined,
      'mutation ($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token mustChangePassword } }',
      { a: admin.accountId, p: newPassword },
    );
    expect(signIn.mustChangePassword).toBe(false);
    const { rooms } = await graphql<RoomsResult>(second.graphqlUrl, admin.terminal, signIn.token, roomsQuery);
    expect(rooms.items).toEqual([
      { id: roomId, title: roomTitle, subject: { name: subjectName }, consentStatus: 'GRANTED' },
    ]);

    const redisPids = embeddedRedisPids(second.service);
    const result = await stopWithSigterm(second.service);
    expect(redisPids).toHaveLength(1);
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
    expect(redisPids.filter(isAlive)).toEqual([]);
  });

  it('explains how to get Redis when redis-server cannot be found', async () => {
    const result = await runToExit(
      entry,
      minimalEnv({
        DATA_DIR: tempDir(),
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        REDIS_SERVER_BIN: '/nonexistent/redis-server',
      }),
      60_000,
      [],
      'tsx',
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 1,
      stderr: expect.stringMatching(/^Renkei cannot start:\n/),
    });
    expect(result.stderr).toMatch(/install redis-server/);
    expect(result.stderr).toContain('REDIS_URL');
    expect(result.stderr).not.toMatch(stackFrame);
  });
});
