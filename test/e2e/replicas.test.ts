// Replicas that agree (issue 15): two gateway processes and two worker
// processes, the production entry points (gateway/main.ts, adapters/main.ts)
// spawned as real processes, against one PostgreSQL database and one Redis
// prefix. The subgraphs are the test system's own (in-process, one of each:
// they are stateless, and what replicas can get wrong lives in the gateway's
// sessions and the workers' queues). The test system itself runs no worker,
// so every job here is taken by one of the two spawned workers.
//
// What must hold with two of each: every outbox event is relayed and
// processed once; each repeating job has one schedule; a partner's Task sent
// to both workers at once is stored once and decided once; an outbound join
// is sent once; a worker killed in the middle of a job is replaced by the
// other, which finishes it without sending twice.
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, type Job } from 'bullmq';
import { jobDefinitions } from '../../adapters/jobs';
import { assertionKeyFileName, exchangeKeyFileName } from '../../lib/exchange/exchange-key';
import { roleDatabaseUrl } from '../../lib/database-role-setup';
import { connectRedis, type Redis } from '../../lib/redis';
import { actorWithRole, type Actor } from '../support/actors';
import { caTemplateDir, redisUrl } from '../support/environment';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { startMockPartner, type MockPartner } from '../support/mock-partner';
import {
  approvedRequest,
  ourClientId,
  partnerCertificateAuthority,
  registerPartner,
} from '../support/mock-partner-fixtures';
import {
  fhirRequest,
  issueShareCodeAs,
  joinTaskFrom,
  openRoomAs,
  partnerJwt,
  registerSimulatedPartner,
  type SimulatedPartner,
} from '../support/simulated-partner';
import { freePort, minimalEnv, spawnEntry, type ServiceProcess } from '../support/spawn-service';
import { startTestSystem, type TestSystem } from '../support/test-system';

jest.setTimeout(240_000);

const d = {
  requests: `query($s: InboundJoinStatus) { inboundJoinRequests(status: $s) { id status } }`,
  approve: `mutation($id: ID!) { approveInboundJoin(id: $id) { id status } }`,
  me: `query { me { user { id } } }`,
};

interface Replica {
  process: ServiceProcess;
  url: string;
}

describe('two gateways and two workers against one PostgreSQL and Redis', () => {
  let t: TestSystem;
  let dir: string;
  let partner: MockPartner;
  let removePartnerCa: () => void;
  let outboundPartnerId: string;
  let himi: SimulatedPartner;
  let actors: { user: Actor; fm: Actor; sa: Actor; hm: Actor };
  let redis: Redis;
  const gateways: Replica[] = [];
  const workers: Replica[] = [];
  const queues = new Map<string, Queue>();

  function spawnGateway(port: number): ServiceProcess {
    return spawnEntry(
      'gateway/main.ts',
      minimalEnv({
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        IDENTITY_URL: `${t.system.subgraphs.identity.url}/graphql`,
        ROOMS_URL: `${t.system.subgraphs.rooms.url}/graphql`,
        CONSENT_URL: `${t.system.subgraphs.consent.url}/graphql`,
        REDIS_URL: redisUrl,
        // The test system's prefix: both gateways follow identity's principal epoch there.
        QUEUE_PREFIX: t.queuePrefix,
        INTERNAL_TOKEN_KEY_FILE: path.join(dir, 'internal-token.key'),
        CLIENT_CERT_MODE: 'off',
        CA_DIR: path.join(dir, 'gateway-ca'),
        METRICS_PORT: '0',
      }),
    );
  }

  function spawnWorker(port: number): ServiceProcess {
    return spawnEntry(
      'adapters/main.ts',
      minimalEnv({
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        // The worker's own database role, as in production.
        DATABASE_URL: roleDatabaseUrl(t.db.url, 'renkei_worker', 'renkei_worker-test'),
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: t.queuePrefix,
        CLIENT_CERT_MODE: 'off',
        // One installation: both workers share the exchange keys and the checkpoint key (one volume in production).
        CA_DIR: path.join(dir, 'ca'),
        DATA_DIR: dir,
        // The public base URL is the same for both, as behind a load balancer: partners' JWTs name it.
        FHIR_BASE_URL: t.system.exchange.fhirBaseUrl,
        PARTNER_CA_FILES: path.join(dir, 'partner-ca.crt'),
        // The shortest lock: a killed worker's job is taken by the other within about 10 s, not a minute.
        JOB_LOCK_SECONDS: '5',
        METRICS_PORT: '0',
      }),
    );
  }

  async function gatewayAs(index: number, actor: Actor, query: string, variables: Record<string, unknown> = {}) {
    return graphql(`${(gateways[index] as Replica).url}/graphql`, query, variables, actor.headers);
  }

  /** The job with this id in whichever queue has it. */
  async function jobById(id: string): Promise<Job | undefined> {
    for (const queue of queues.values()) {
      const job = await queue.getJob(id);
      if (job) return job;
    }
    return undefined;
  }

  beforeAll(async () => {
    const partnerCa = await partnerCertificateAuthority();
    removePartnerCa = partnerCa.remove;
    t = await startTestSystem({ workers: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-replicas-'));
    fs.mkdirSync(path.join(dir, 'ca'));
    fs.cpSync(caTemplateDir, path.join(dir, 'gateway-ca'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'internal-token.key'), t.internalKeys.privateKeyPem, { mode: 0o600 });
    // The installation's exchange keys (partners trust our published JWKS): the test system's own.
    const pem = (key: { privateKey: KeyObject }) => key.privateKey.export({ type: 'pkcs8', format: 'pem' });
    fs.writeFileSync(path.join(dir, 'ca', exchangeKeyFileName), pem(t.system.exchange.key), { mode: 0o600 });
    if (t.system.exchange.assertionKey) {
      fs.writeFileSync(path.join(dir, 'ca', assertionKeyFileName), pem(t.system.exchange.assertionKey), {
        mode: 0o600,
      });
    }
    fs.writeFileSync(path.join(dir, 'partner-ca.crt'), partnerCa.ca.caCertificatePem);

    const user = await actorWithRole(t, 'USER');
    actors = {
      user,
      fm: await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId }),
      sa: await actorWithRole(t, 'SYSTEM_ADMIN'),
      hm: await actorWithRole(t, 'HOSPITAL_MANAGER'),
    };
    partner = await startMockPartner({ tls: partnerCa.tls, ourJwk: t.system.exchange.key.publicJwk, ourClientId });
    outboundPartnerId = await registerPartner(t.db.prisma, partner.url, actors.sa.userId);
    himi = await registerSimulatedPartner(t, actors.sa, '氷見市多職種ネット', 'himi.example');

    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    for (const port of ports.slice(0, 2))
      gateways.push({ process: spawnGateway(port), url: `http://127.0.0.1:${port}` });
    for (const port of ports.slice(2))
      workers.push({ process: spawnWorker(port), url: `http://127.0.0.1:${port}/fhir` });
    await Promise.all([
      ...gateways.map((g) => g.process.waitForStdout(/gateway ready/, 120_000)),
      ...workers.map((w) => w.process.waitForStdout(/worker ready/, 120_000)),
    ]);
    redis = connectRedis(redisUrl);
    await redis.connect();
    for (const definition of jobDefinitions)
      queues.set(definition.queue, new Queue(definition.queue, { connection: redis, prefix: t.queuePrefix }));
  });

  afterAll(async () => {
    for (const replica of [...gateways, ...workers]) replica.process.killGroup();
    await Promise.all([...gateways, ...workers].map((r) => r.process.waitForExit(10_000).catch(() => undefined)));
    for (const queue of queues.values()) await queue.close();
    await redis?.quit();
    await partner?.stop();
    await t?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    removePartnerCa?.();
  });

  it('both gateways serve the same sessions, and a suspension is refused by both', async () => {
    const member = await actorWithRole(t, 'USER');
    for (const index of [0, 1]) {
      const answer = await gatewayAs(index, member, d.me);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ me: { user: { id: member.userId } } });
    }
    const suspended = await graphql(
      t.graphqlUrl,
      `
        mutation ($id: ID!) {
          suspendUser(userId: $id, reason: "退職") {
            id
          }
        }
      `,
      { id: member.userId },
      actors.sa.headers,
    );
    expect(suspended.errors).toBeUndefined();
    // Identity moved the epoch on: neither gateway reuses the session it had resolved.
    for (const index of [0, 1]) {
      const refused = await gatewayAs(index, member, d.me);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('relays and processes every outbox event once, whichever worker relays it', async () => {
    const started = new Date();
    // Work through both gateways at once: subjects with consent, rooms, share codes (consent's, rooms' and identity's events).
    const managers: Actor[] = [];
    for (let i = 0; i < 6; i++) managers.push(await actorWithRole(t, 'HOSPITAL_MANAGER'));
    await Promise.all(
      managers.map(async (manager, i) => {
        const index = i % 2;
        const roomId = await openRoomAs(
          { ...t, graphqlUrl: `${(gateways[index] as Replica).url}/graphql` } as TestSystem,
          manager,
        );
        expect(roomId).toMatch(/^[0-9a-f-]{36}$/);
      }),
    );
    const p = t.db.prisma;
    const since = { createdAt: { gte: started } };
    const events = [
      ...(await p.consentOutboxEvent.findMany({ where: since, select: { id: true } })),
      ...(await p.roomsOutboxEvent.findMany({ where: since, select: { id: true } })),
      ...(await p.identityOutboxEvent.findMany({ where: since, select: { id: true } })),
    ].map((e) => e.id);
    expect(events.length).toBeGreaterThanOrEqual(12);
    const relayed = await eventually(
      async () =>
        (await p.consentOutboxEvent.count({ where: { ...since, relayedAt: null } })) +
        (await p.roomsOutboxEvent.count({ where: { ...since, relayedAt: null } })) +
        (await p.identityOutboxEvent.count({ where: { ...since, relayedAt: null } })),
      (waiting) => waiting === 0,
      60_000,
    );
    expect(relayed).toBe(0);
    // Each event is one job (its id), completed, started once: no second relay ran it again.
    const jobs = await eventually(
      async () => Promise.all(events.map(async (id) => ({ id, job: await jobById(id) }))),
      (found) => found.every((f) => f.job?.finishedOn !== undefined),
      60_000,
    );
    for (const { id, job } of jobs) {
      expect({ id, state: await job?.getState(), attemptsStarted: job?.attemptsStarted }).toEqual({
        id,
        state: 'completed',
        attemptsStarted: 1,
      });
    }
    // Each was run by one of the two replicas (BullMQ stores the worker's name, host:pid, on the job).
    const names = workers.map((w) => `${os.hostname()}:${w.process.child.pid}`);
    for (const { job } of jobs) expect(names).toContain(job?.processedBy);
  });

  it('keeps one schedule per repeating job and one next run for each', async () => {
    const schedules: string[] = [];
    for (const [name, queue] of queues) {
      for (const scheduler of await queue.getJobSchedulers()) schedules.push(`${name}/${scheduler.key}`);
      // The next run of each schedule waits once, not once per worker.
      const delayed = await queue.getDelayed();
      const perScheduler = new Map<string, number>();
      for (const job of delayed) {
        const key = job.repeatJobKey ?? '';
        if (key) perScheduler.set(key, (perScheduler.get(key) ?? 0) + 1);
      }
      for (const [key, count] of perScheduler)
        expect({ queue: name, key, count }).toEqual({ queue: name, key, count: 1 });
    }
    const expected = jobDefinitions.filter((definition) => definition.every).map((definition) => definition.queue);
    expect(expected.length).toBeGreaterThan(0);
    expect(schedules.map((s) => s.split('/')[0]).sort()).toEqual(
      [...new Set(schedules.map((s) => s.split('/')[0]))].sort(),
    );
    for (const queue of expected) expect(schedules.filter((s) => s.startsWith(`${queue}/`))).toHaveLength(1);
  });

  it('stores a Task sent to both workers at once once, and records its decision once when made on both gateways', async () => {
    const roomId = await openRoomAs(t, actors.hm);
    const { code } = await issueShareCodeAs(t, actors.hm, roomId, himi);
    const task = joinTaskFrom(himi, code);
    const base = t.system.exchange.fhirBaseUrl;
    const answers = await Promise.all(
      workers.map(async (w) =>
        fhirRequest(w.url, 'POST', '/Task', { token: await partnerJwt(himi, base), body: task }),
      ),
    );
    // One created it, the other found it by its identifier (a repeat: the same Task, not a second one).
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(answers[0]?.json.id).toBe(answers[1]?.json.id);
    const taskId = answers[0]?.json.id as string;
    expect(await t.db.prisma.inboundTask.count({ where: { id: taskId } })).toBe(1);

    const request = await eventually(
      async () => t.db.prisma.inboundJoinRequest.findFirst({ where: { correlationId: taskId } }),
      (found) => found !== null,
      60_000,
    );
    const decided = await Promise.all(
      [0, 1].map((index) => gatewayAs(index, actors.hm, d.approve, { id: request?.id })),
    );
    const outcomes = decided.map(
      (answer) => answer.data?.approveInboundJoin?.status ?? answer.errors?.[0]?.extensions?.code,
    );
    // The second decision finds the request decided already: refused with the stable code, nothing written.
    expect(outcomes.sort()).toEqual(['APPROVED', 'ILLEGAL_TRANSITION']);
    expect(
      await t.db.prisma.inboundJoinStep.count({ where: { requestId: request?.id as string, action: 'APPROVED' } }),
    ).toBe(1);
    expect(await t.db.prisma.externalParticipant.count({ where: { roomId } })).toBe(1);
    // The partner's Task follows the decision once (accepted, then completed), whichever worker ran the job.
    const finished = await eventually(
      () => t.db.prisma.inboundTask.findUniqueOrThrow({ where: { id: taskId } }),
      (stored) => stored.status === 'COMPLETED',
      60_000,
    );
    expect(finished.status).toBe('COMPLETED');
  });

  it('sends an outbound join once, and the other worker finishes a job whose worker was killed', async () => {
    // First, in the quiet: one POST, one "sent" step.
    const quiet = await approvedRequest(`${gateways[0]?.url}/graphql`, actors, outboundPartnerId, 'share-replicas-1');
    const received = await eventually(
      () => t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id: quiet } }),
      (r) => r.exchangeStatus === 'RECEIVED',
      60_000,
    );
    expect(received.exchangeStatus).toBe('RECEIVED');
    expect(partner.posts.filter((post) => post.identifierValue === quiet)).toHaveLength(1);
    expect(await t.db.prisma.outboundJoinStep.count({ where: { requestId: quiet, action: 'sent' } })).toBe(1);

    // Then with the partner slow to answer: the worker holding the job is killed after its POST went out.
    partner.behavior.delayMs = 120_000;
    const id = await approvedRequest(`${gateways[1]?.url}/graphql`, actors, outboundPartnerId, 'share-replicas-2');
    await eventually(
      async () => partner.posts.filter((post) => post.identifierValue === id).length,
      (n) => n === 1,
      60_000,
    );
    const sending = await eventually(
      async () => {
        for (const queue of queues.values()) {
          for (const job of await queue.getActive()) if (JSON.stringify(job.data).includes(id)) return job;
        }
        return undefined;
      },
      (job) => job?.processedBy !== undefined,
      30_000,
    );
    const pid = Number(String(sending?.processedBy).split(':').pop());
    const holder = workers.find((w) => w.process.child.pid === pid);
    const other = workers.find((w) => w !== holder);
    expect(holder).toBeDefined();
    holder?.process.killGroup();
    await holder?.process.waitForExit(10_000);
    partner.behavior.delayMs = 0;

    // The survivor's stalled check finds the job once its lock expires (JOB_LOCK_SECONDS) and runs it again:
    // it finds the Task the partner already stored, by identifier, instead of POSTing again.
    const sent = await eventually(
      () => t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } }),
      (r) => r.exchangeStatus === 'RECEIVED',
      120_000,
    );
    expect(sent.exchangeStatus).toBe('RECEIVED');
    expect(partner.posts.filter((post) => post.identifierValue === id).map((post) => post.answered)).toEqual([201]);
    expect(await t.db.prisma.outboundJoinStep.count({ where: { requestId: id, action: 'sent' } })).toBe(1);
    const finished = await jobById(sending?.id as string);
    expect(String(finished?.processedBy)).toBe(`${os.hostname()}:${other?.process.child.pid}`);
  });
});
