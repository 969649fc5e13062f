// Production mode: the gateway, the three subgraphs and the worker as their
// own processes (the entry points docker-compose runs), each serving its own
// /metrics on METRICS_PORT, never on its PORT. A refused sign-in through the
// gateway moves the gateway's operation count and identity's sign-in
// failures; the worker reads its queues, outboxes and dead letters at scrape
// time, rooms its emergency accesses. On SIGTERM each listener closes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateInternalKeyPair } from '../../lib/access/internal-token';
import { caTemplateDir, redisUrl, uniqueName } from '../support/environment';
import { graphql } from '../support/graphql-client';
import { scrape } from '../support/scrape';
import { freePort, isListening, minimalEnv, spawnEntry, type ServiceProcess } from '../support/spawn-service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { clearRedisPrefixes } from '../support/redis-keys';

type Service = 'identity' | 'rooms' | 'consent' | 'worker' | 'gateway';
const entries: Record<Service, { entry: string; ready: RegExp }> = {
  identity: { entry: 'subgraphs/identity/main.ts', ready: /identity subgraph ready/ },
  rooms: { entry: 'subgraphs/rooms/main.ts', ready: /rooms subgraph ready/ },
  consent: { entry: 'subgraphs/consent/main.ts', ready: /consent subgraph ready/ },
  worker: { entry: 'adapters/main.ts', ready: /worker ready/ },
  gateway: { entry: 'gateway/main.ts', ready: /gateway ready/ },
};
const services = Object.keys(entries) as Service[];

describe('every production process serves its own /metrics', () => {
  let db: TestDatabase;
  const running = new Map<Service, ServiceProcess>();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-metrics-prod-'));
  const caDir = path.join(dir, 'ca');
  const prefix = uniqueName('renkei-metrics').replace(/_/g, '-');
  const ports = {} as Record<Service, { port: number; metrics: number }>;

  beforeAll(async () => {
    db = await createTestDatabase();
    fs.cpSync(caTemplateDir, caDir, { recursive: true });
    const keys = await generateInternalKeyPair();
    fs.writeFileSync(path.join(dir, 'internal.key'), keys.privateKeyPem, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'internal.pub'), keys.publicKeyPem);
    for (const service of services) ports[service] = { port: await freePort(), metrics: await freePort() };
  });
  afterAll(async () => {
    for (const service of running.values()) service.killGroup();
    await db?.drop();
    await clearRedisPrefixes(prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers on METRICS_PORT with each process its own metrics, and stops with the process', async () => {
    const graphqlUrl = (service: Service) => `http://127.0.0.1:${ports[service].port}/graphql`;
    const common = {
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      CLIENT_CERT_MODE: 'off',
      CA_DIR: caDir,
      DATA_DIR: dir,
      INTERNAL_TOKEN_KEY_FILE: path.join(dir, 'internal.key'),
      INTERNAL_TOKEN_PUBLIC_KEY_FILE: path.join(dir, 'internal.pub'),
      IDENTITY_URL: graphqlUrl('identity'),
      ROOMS_URL: graphqlUrl('rooms'),
      CONSENT_URL: graphqlUrl('consent'),
      METRICS_HOST: '127.0.0.1',
    };
    for (const service of services)
      running.set(
        service,
        spawnEntry(
          entries[service].entry,
          minimalEnv({ ...common, PORT: String(ports[service].port), METRICS_PORT: String(ports[service].metrics) }),
        ),
      );
    await Promise.all(services.map((service) => running.get(service)!.waitForStdout(entries[service].ready, 120_000)));

    const refused = await graphql(
      graphqlUrl('gateway'),
      'mutation SignIn { signIn(accountId: "nobody00", password: "wrong") { token } }',
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const metrics = Object.fromEntries(
      await Promise.all(
        services.map(async (service) => [service, await scrape(`http://127.0.0.1:${ports[service].metrics}/metrics`)]),
      ),
    ) as Record<Service, Awaited<ReturnType<typeof scrape>>>;
    for (const service of services)
      expect([service, metrics[service].value('process_cpu_user_seconds_total')! > 0]).toEqual([service, true]);

    expect(
      metrics.gateway.value('renkei_graphql_operation_duration_seconds_count', {
        operation: 'SignIn',
        outcome: 'UNAUTHENTICATED',
      }),
    ).toBe(1);
    expect(metrics.gateway.value('renkei_subgraph_fetch_duration_seconds_count', { subgraph: 'identity' })).toBe(1);
    expect(metrics.gateway.value('renkei_session_resolutions_total', { result: 'ok' })).toBe(1);
    expect(metrics.identity.value('renkei_sign_in_failures_total', { reason: 'unknown-account' })).toBe(1);
    expect(metrics.identity.value('renkei_account_lockouts_total', { via: 'sign_in' })).toBe(0);
    expect(metrics.rooms.value('renkei_emergency_accesses_active')).toBe(0);
    expect(metrics.rooms.value('renkei_emergency_access_declared_total', { reason: 'DISASTER' })).toBe(0);
    expect(metrics.worker.value('renkei_dead_letters_waiting')).toBe(0);
    expect(metrics.worker.value('renkei_outbox_lag_seconds', { outbox: 'rooms' })).not.toBeNull();
    expect(metrics.worker.value('renkei_jobs', { queue: 'audit-checkpoint', state: 'delayed' })).not.toBeNull();
    expect(metrics.worker.value('renkei_audit_chain_verifications_total', { trail: 'rooms', result: 'broken' })).toBe(
      0,
    );
    // Each process shows what it has: no dead-letter count from the gateway, no operations from the worker.
    expect(metrics.gateway.value('renkei_dead_letters_waiting')).toBeNull();
    expect(metrics.worker.value('renkei_graphql_operation_duration_seconds_count')).toBeNull();
    // Never on the public port.
    expect((await fetch(`http://127.0.0.1:${ports.gateway.port}/metrics`)).status).toBe(404);

    for (const service of services) running.get(service)!.child.kill('SIGTERM');
    for (const service of services) {
      expect([service, (await running.get(service)!.waitForExit(30_000)).code]).toEqual([service, 0]);
      running.delete(service);
      expect([service, await isListening(ports[service].metrics)]).toEqual([service, false]);
    }
  }, 240_000);
});
