// Stalled-job recovery for the outbound exchange: the worker is a separate
// process (test/support/mock-partner-worker.ts) that is killed with SIGKILL
// while the partner, which already stored the Task, is slow to answer. A new
// worker finds the stalled job once its lock expires and runs it again: the
// request was marked as possibly sent before the POST went out, so the new
// attempt searches the partner by identifier first and adopts the Task it
// finds instead of POSTing again; the request is recorded as sent once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exchangeKeyFileName } from '../../lib/exchange/exchange-key';
import { actorWithRole, type Actor } from '../support/actors';
import { redisUrl, uniqueName } from '../support/environment';
import { eventually } from '../support/eventually';
import { startMockPartner, type MockPartner } from '../support/mock-partner';
import {
  approvedRequest,
  ourClientId,
  partnerCertificateAuthority,
  registerPartner,
} from '../support/mock-partner-fixtures';
import { minimalEnv, spawnEntry, type ServiceProcess } from '../support/spawn-service';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('outbound join: a worker killed mid-job', () => {
  let t: TestSystem;
  let partner: MockPartner;
  let partnerId: string;
  let dir: string;
  let removeCa: () => void;
  let actors: { user: Actor; fm: Actor; sa: Actor };
  const children: ServiceProcess[] = [];
  // The workers' own prefix (the test system runs none).
  const prefix = uniqueName('renkei-test').replace(/_/g, '-');

  function spawnWorker(): ServiceProcess {
    const child = spawnEntry(
      'test/support/mock-partner-worker.ts',
      minimalEnv({
        DATABASE_URL: t.db.url,
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        EXCHANGE_KEY_DIR: dir,
        OUR_FHIR_BASE_URL: t.system.exchange.fhirBaseUrl,
        PARTNER_CA_FILE: path.join(dir, 'partner-ca.crt'),
      }),
    );
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    const partnerCa = await partnerCertificateAuthority();
    removeCa = partnerCa.remove;
    // No in-process workers: only the spawned worker processes take jobs.
    t = await startTestSystem({ workers: false });
    partner = await startMockPartner({ tls: partnerCa.tls, ourJwk: t.system.exchange.key.publicJwk, ourClientId });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-outbound-crash-'));
    fs.writeFileSync(
      path.join(dir, exchangeKeyFileName),
      t.system.exchange.key.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      { mode: 0o600 },
    );
    fs.writeFileSync(path.join(dir, 'partner-ca.crt'), partnerCa.ca.caCertificatePem);
    const user = await actorWithRole(t, 'USER');
    actors = {
      user,
      fm: await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId }),
      sa: await actorWithRole(t, 'SYSTEM_ADMIN'),
    };
    partnerId = await registerPartner(t.db.prisma, partner.url, actors.sa.userId);
  });

  afterAll(async () => {
    for (const child of children) child.killGroup();
    const keys = await t.redis.keys(`${prefix}:*`);
    if (keys.length) await t.redis.del(...keys);
    await t.stop();
    await partner.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    removeCa();
  });

  it('completes the delivery exactly once after a restart: one POST, one Task at the partner, one "sent" step', async () => {
    partner.behavior.delayMs = 60_000;
    const first = spawnWorker();
    await first.waitForStdout(/worker ready/, 30_000);
    const id = await approvedRequest(t.graphqlUrl, actors, partnerId, 'share-crash-test-1');
    // The partner has the POST (and stored the Task); the worker waits for the answer.
    await eventually(
      async () => partner.posts.filter((p) => p.identifierValue === id).length,
      (n) => n === 1,
      20_000,
    );
    first.killGroup();
    await first.waitForExit(10_000);
    expect((await t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } })).exchangeStatus).toBe(
      'NOT_SENT',
    );

    partner.behavior.delayMs = 0;
    const second = spawnWorker();
    await second.waitForStdout(/worker ready/, 30_000);
    const sent = await eventually(
      () => t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } }),
      (r) => r.exchangeStatus === 'RECEIVED',
      30_000,
    );
    expect(sent.exchangeStatus).toBe('RECEIVED');
    // Exactly once: the killed worker's POST created the Task; the new worker found it by its identifier and did not POST.
    expect(partner.posts.filter((p) => p.identifierValue === id).map((p) => p.answered)).toEqual([201]);
    expect(partner.searches.filter((s) => s.endsWith(`|${id}`)).length).toBeGreaterThanOrEqual(1);
    expect(sent.sendAttemptedAt).not.toBeNull();
    expect([...partner.tasks.values()].filter((task) => task.identifierValue === id)).toHaveLength(1);
    expect(sent.partnerTaskId).toBe(partner.taskFor(id)?.id);
    expect(await t.db.prisma.outboundJoinStep.count({ where: { requestId: id, action: 'sent' } })).toBe(1);
    second.killGroup();
  });
});
