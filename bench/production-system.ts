// The production topology as the bench's second system under test (issue
// 16): the gateway, identity, rooms, consent and the worker each in its own
// process, started from their production entry points (gateway/main.ts,
// subgraphs/*/main.ts, adapters/main.ts) the way the all-in-one side is run:
// node --import tsx from the sources, the bench's own NODE_ENV. They get what
// docker-compose.yml gives them, on loopback: the bench database (each
// service as its own database role when the server has them, else the
// superuser), the same Redis under the topology's own queue prefix, the
// internal-token keys written to files, one CA_DIR (the network CA and the
// exchange keys, made here first so no two services race to create them),
// and the worker serving /fhir (FHIR_BASE_URL). Like the all-in-one side:
// certificates off, no rate limits, no audit checkpoints, LOG_LEVEL error.
//
// Beside them, for the bench only and not part of the topology's memory: a
// second gateway without the principal cache (PRINCIPAL_CACHE_MS=0) for
// scenario 1, and a bench child (system-child.ts, never started) that hosts
// scenario 3's raw BullMQ worker. Each service process is preloaded with
// bench/statement-counter.ts, which counts its SQL statements over IPC.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { InternalKeyPair } from '../lib/access/internal-token';
import { applyDatabaseRoles, roleDatabaseUrl } from '../lib/database-role-setup';
import { serviceRoles, type ServiceName } from '../lib/database-roles';
import { freePort } from '../lib/embedded-redis';
import { openAssertionKey, openExchangeKey } from '../lib/exchange/exchange-key';
import { openPartnerKeyVault } from '../lib/exchange/partner-key-vault';
import { withPgClient } from '../lib/database';
import { openCertificateAuthority } from '../lib/pki/certificate-authority';
import { repoPath } from '../lib/repo-paths';
import { forkBenchChild, readProcMemory, type ProcessMemory, type SystemHandle } from './system-handle';

/** The topology's processes (their RSS is the topology's memory) and the bench-only gateway beside them. */
const services = ['gateway', 'identity', 'rooms', 'consent', 'worker'] as const;
type Service = (typeof services)[number];
type Spawned = Service | 'uncached-gateway';
const withDatabase: readonly Service[] = ['identity', 'rooms', 'consent', 'worker'];

const entries: Record<Spawned, string> = {
  gateway: 'gateway/main.ts',
  'uncached-gateway': 'gateway/main.ts',
  identity: 'subgraphs/identity/main.ts',
  rooms: 'subgraphs/rooms/main.ts',
  consent: 'subgraphs/consent/main.ts',
  worker: 'adapters/main.ts',
};

export interface ProductionSystem extends SystemHandle {
  /** How the services connect to PostgreSQL: their own roles, or the superuser and why. */
  databaseRoles: string;
}

interface ServiceProcess {
  name: Spawned;
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
  /** Asks the preloaded statement counter; one question at a time per process. */
  statements(since?: number): Promise<{ count: number; texts?: string[] }>;
}

function spawnService(
  name: Spawned,
  port: number,
  env: Record<string, string>,
  cpuProfileDir: string | undefined,
): ServiceProcess {
  const execArgv = ['--import', 'tsx', '--import', path.join(__dirname, 'statement-counter.ts')];
  if (cpuProfileDir)
    execArgv.push('--cpu-prof', '--cpu-prof-dir', cpuProfileDir, '--cpu-prof-name', `${name}.cpuprofile`);
  // Only what the service is given (a DATABASE_URL or QUEUE_PREFIX in the bench's shell must not leak in).
  const inherited = Object.fromEntries(
    (['PATH', 'HOME', 'NODE_ENV'] as const).flatMap((k) =>
      process.env[k] === undefined ? [] : [[k, process.env[k]!]],
    ),
  );
  const child = spawn(process.execPath, [...execArgv, repoPath(entries[name])], {
    cwd: repoPath(),
    env: { ...inherited, ...env, PORT: String(port) },
    // Not detached: Ctrl-C in the terminal reaches the services too, and each stops as on SIGINT.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let queue: Promise<unknown> = Promise.resolve();
  const statements = (since?: number) => {
    const asked = queue.then(
      () =>
        new Promise<{ count: number; texts?: string[] }>((resolve, reject) => {
          const timer = setTimeout(() => finish(new Error(`${name} did not report its statements in time`)), 10_000);
          const onMessage = (message: { type?: string; count: number; texts?: string[] }) => {
            if (message?.type === 'statements') finish(null, message);
          };
          const onExit = () => finish(new Error(`${name} exited while asked for its statements`));
          function finish(error: Error | null, value?: { count: number; texts?: string[] }) {
            clearTimeout(timer);
            child.off('message', onMessage);
            child.off('exit', onExit);
            if (error) reject(error);
            else resolve(value!);
          }
          child.on('message', onMessage);
          child.once('exit', onExit);
          child.send({ type: 'statements', since });
        }),
    );
    queue = asked.catch(() => undefined);
    return asked;
  };
  return { name, child, port, exited, statements };
}

/** Polls /readyz until the service answers 200; fails at once if the process exits first. */
async function waitUntilReady(service: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service.exited.then(() => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`${service.name} exited during start (code ${service.child.exitCode})`);
    const status = await fetch(`http://127.0.0.1:${service.port}/readyz`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${service.name} was not ready within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopServices(spawned: ServiceProcess[]): Promise<void> {
  for (const s of spawned) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  // runServiceProcess gives itself 15 s to stop; then whatever is left is killed.
  const all = Promise.all(spawned.map((s) => s.exited));
  const timedOut = await Promise.race([all.then(() => false), new Promise((r) => setTimeout(() => r(true), 20_000))]);
  if (timedOut) {
    for (const s of spawned) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await all;
  }
}

/**
 * Each service's connection string: its own role (lib/database-roles.ts) when the server has the
 * roles already (npm run db:roles, or the tests' template, made them) and each can connect;
 * otherwise the superuser for all, with the reason. Roles are cluster-wide, so the bench never
 * creates them; the grants are applied to the bench's own database only.
 */
async function serviceDatabaseUrls(
  databaseUrl: string,
): Promise<{ urls: Record<ServiceName, string>; description: string }> {
  const superuser = (reason: string) => ({
    urls: { identity: databaseUrl, rooms: databaseUrl, consent: databaseUrl, worker: databaseUrl },
    description: `the superuser for every service (${reason})`,
  });
  const roles = Object.values(serviceRoles);
  const present = await withPgClient(databaseUrl, (db) =>
    db.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [roles]),
  );
  const missing = roles.filter((role) => !present.some((p) => p.rolname === role));
  if (missing.length) return superuser(`no role ${missing.join(', ')} on this server; npm run db:roles creates them`);
  try {
    await withPgClient(databaseUrl, (db) => applyDatabaseRoles(db));
  } catch (error) {
    return superuser(`the grants could not be applied: ${error instanceof Error ? error.message : String(error)}`);
  }
  // No password: the roles keep theirs; a server that asks for one is reported, and the superuser used.
  const urls = Object.fromEntries(
    (Object.keys(serviceRoles) as ServiceName[]).map((service) => [
      service,
      roleDatabaseUrl(databaseUrl, serviceRoles[service]),
    ]),
  ) as Record<ServiceName, string>;
  for (const [service, url] of Object.entries(urls)) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
    } catch (error) {
      return superuser(`${service}'s role cannot connect: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { urls, description: `each service as its own role (${roles.join(', ')})` };
}

export async function startProductionSystem(options: {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  keys: InternalKeyPair;
  cpuProfileDir?: string;
}): Promise<ProductionSystem> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-bench-production-'));
  const spawned: ServiceProcess[] = [];
  const helper = forkBenchChild();
  const stopAll = async () => {
    await stopServices(spawned);
    await helper.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const privateKeyFile = path.join(dir, 'internal-token.key');
    const publicKeyFile = path.join(dir, 'internal-token.pub');
    fs.writeFileSync(privateKeyFile, options.keys.privateKeyPem, { mode: 0o600 });
    fs.writeFileSync(publicKeyFile, options.keys.publicKeyPem, { mode: 0o644 });
    const caDir = path.join(dir, 'ca');
    await openCertificateAuthority(caDir);
    await openExchangeKey(caDir);
    await openAssertionKey(caDir);
    openPartnerKeyVault(caDir);
    if (options.cpuProfileDir) fs.mkdirSync(options.cpuProfileDir, { recursive: true });

    const database = await serviceDatabaseUrls(options.databaseUrl);
    const port = Object.fromEntries(
      await Promise.all((['uncached-gateway', ...services] as const).map(async (s) => [s, await freePort()])),
    ) as Record<Spawned, number>;
    const local = (s: Spawned) => `http://127.0.0.1:${port[s]}`;
    const fhirBaseUrl = `${local('worker')}/fhir`;
    const common = {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      QUEUE_PREFIX: options.queuePrefix,
      CLIENT_CERT_MODE: 'off',
      CA_DIR: caDir,
      DATA_DIR: dir,
    };
    // The all-in-one bench system runs without rate limits (startSystem adds them only when given).
    const noRateLimits = {
      RATE_LIMIT_SESSION_PER_MINUTE: '0',
      RATE_LIMIT_CERTIFICATE_PER_MINUTE: '0',
      RATE_LIMIT_SIGN_IN_PER_MINUTE: '0',
      RATE_LIMIT_PARTNER_TOKEN_PER_MINUTE: '0',
      RATE_LIMIT_PARTNER_PER_MINUTE: '0',
    };
    const gatewayEnv = {
      ...common,
      ...noRateLimits,
      IDENTITY_URL: `${local('identity')}/graphql`,
      ROOMS_URL: `${local('rooms')}/graphql`,
      CONSENT_URL: `${local('consent')}/graphql`,
      REDIS_URL: options.redisUrl,
      INTERNAL_TOKEN_KEY_FILE: privateKeyFile,
    };
    const subgraphEnv = (service: 'identity' | 'rooms' | 'consent') => ({
      ...common,
      DATABASE_URL: database.urls[service],
      INTERNAL_TOKEN_PUBLIC_KEY_FILE: publicKeyFile,
    });
    const env: Record<Spawned, Record<string, string>> = {
      gateway: gatewayEnv,
      'uncached-gateway': { ...gatewayEnv, PRINCIPAL_CACHE_MS: '0' },
      identity: { ...subgraphEnv('identity'), REDIS_URL: options.redisUrl, FHIR_BASE_URL: fhirBaseUrl },
      rooms: subgraphEnv('rooms'),
      consent: subgraphEnv('consent'),
      worker: {
        ...common,
        ...noRateLimits,
        DATABASE_URL: database.urls.worker,
        REDIS_URL: options.redisUrl,
        FHIR_BASE_URL: fhirBaseUrl,
        AUDIT_CHECKPOINT_MINUTES: '0',
      },
    };
    for (const name of [...services, 'uncached-gateway'] as const)
      spawned.push(spawnService(name, port[name], env[name], options.cpuProfileDir));
    // Five tsx starts at once on two cores take a while.
    await Promise.all(spawned.map((s) => waitUntilReady(s, 180_000)));

    const byName = (name: Spawned) => spawned.find((s) => s.name === name)!;
    const pids = Object.fromEntries(services.map((s) => [s, byName(s).child.pid!])) as Record<Service, number>;
    const memory = () => {
      const processes = Object.fromEntries(services.map((s) => [s, readProcMemory(pids[s])])) as Record<
        Service,
        ProcessMemory
      >;
      const sum = (key: keyof ProcessMemory) => Object.values(processes).reduce((total, m) => total + m[key], 0);
      // The sum of the peaks: an upper bound of the topology's peak (the processes need not peak together).
      return { rssBytes: sum('rssBytes'), peakRssBytes: sum('peakRssBytes'), processes };
    };
    return {
      topology: 'production',
      pids,
      gatewayUrl: `${local('gateway')}/graphql`,
      fhirBaseUrl,
      uncachedGatewayUrl: `${local('uncached-gateway')}/graphql`,
      subgraphUrls: { identity: local('identity'), rooms: local('rooms'), consent: local('consent') },
      waitFor: helper.waitFor,
      send: helper.send,
      request: helper.request,
      statementMark: async () => {
        const mark: Record<string, number> = {};
        for (const s of withDatabase) mark[s] = (await byName(s).statements()).count;
        return mark;
      },
      statementTexts: async (since) => {
        const texts: string[] = [];
        for (const s of withDatabase) {
          const from = (since as Record<string, number>)[s]!;
          texts.push(...((await byName(s).statements(from)).texts ?? []).map((t) => `[${s}] ${t}`));
        }
        return texts;
      },
      memory,
      stop: stopAll,
      databaseRoles: database.description,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
