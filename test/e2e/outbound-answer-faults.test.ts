// Art. 20-3 against a generic FHIR R4 server (test/support/generic-fhir-server.ts:
// stores any Task, deduplicates nothing by itself) with one fault injected
// into our POST per class of bad answer: non-JSON 200, HTML 502, empty 200,
// wrong resourceType, invalid Task, a hang (our timeout) and a reset
// connection. Where the server did the work before failing (`store: true`),
// only the search-before-create can keep the Task single. Every case ends
// with exactly one Task at the partner carrying our identifier, the failure's
// code on the request, and the join completed once the partner's people move
// the Task on. Also: the warn log line of a failed call (code, partner,
// request, operation, no body), a dead letter's code in the graph, and
// several Tasks already at the partner (412 to the conditional create:
// adopted, recorded as DUPLICATE_TASKS, nothing created).
import { Writable } from 'node:stream';
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import { createLogger } from '../../lib/logger';
import type { Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { startGenericFhirServer, type Fault, type GenericFhirServer } from '../support/generic-fhir-server';
import { approvedRequest, ops } from '../support/mock-partner-fixtures';
import { startOutboundTestbed, type OutboundTestbed } from '../support/outbound-testbed';
import type { TestSystem } from '../support/test-system';

describe('outbound joins against a generic FHIR server answering badly', () => {
  let t: TestSystem;
  let server: GenericFhirServer;
  let partnerId: string;
  let bed: OutboundTestbed<GenericFhirServer>;
  let actors: { user: Actor; fm: Actor; sa: Actor };
  const logLines: Array<Record<string, unknown> & { raw: string }> = [];
  let counter = 0;
  const shareCode = () => `generic-${Date.now().toString(36)}-${(counter += 1)}`;
  const request = (id: string) => t.db.prisma.outboundJoinRequest.findUniqueOrThrow({ where: { id } });
  const until = (id: string, check: (r: Awaited<ReturnType<typeof request>>) => boolean, ms = 20_000) =>
    eventually(() => request(id), check, ms);
  const ours = (id: string) => server.tasksWith(ourIdentifierSystems(t.system.exchange.fhirBaseUrl).request, id);

  beforeAll(async () => {
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const raw of chunk.toString('utf8').split('\n').filter(Boolean))
          logLines.push({ ...(JSON.parse(raw) as Record<string, unknown>), raw });
        done();
      },
    });
    bed = await startOutboundTestbed({
      partner: (tls, caCertificatePem) => startGenericFhirServer({ tls, caCertificatePem }),
      logger: createLogger('info', 'renkei-test', capture),
      partnerCalls: { timeoutMs: 1_500, poll: { firstDelayMs: 150, maxDelayMs: 300 }, syncStaleMs: 60_000 },
      retry: { attempts: 5, baseDelayMs: 200, maxDelayMs: 500 },
    });
    ({ t, partner: server, partnerId, actors } = bed);
  });

  afterAll(() => bed.stop());

  /** The partner's people accept and complete the Task (PUT at the server); our poll follows to COMPLETED. */
  async function completeAtPartner(id: string, taskId: string) {
    const careTeamId = `team-${taskId}`;
    server.careTeams.set(careTeamId, { resourceType: 'CareTeam', id: careTeamId, status: 'active' });
    expect(
      await server.updateTask(taskId, {
        status: 'completed',
        output: [{ type: { text: 'care-team' }, valueReference: { reference: `CareTeam/${careTeamId}` } }],
      }),
    ).toBe(200);
    await until(id, (r) => r.exchangeStatus === 'COMPLETED');
  }

  /** One fault on our first POST; the join must end with one Task, the fault's code recorded, and complete. */
  async function afterFault(fault: Fault, code: string) {
    server.inject({ ...fault, method: 'POST' });
    const id = await approvedRequest(t.graphqlUrl, actors, partnerId, shareCode());
    const sent = await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    const tasks = ours(id);
    expect(tasks).toHaveLength(1);
    expect(sent).toMatchObject({ partnerTaskId: tasks[0]!.id, lastFailureCode: code, shareCode: null });
    expect(sent.lastFailureAt).not.toBeNull();
    await completeAtPartner(id, tasks[0]!.id);
    expect(ours(id)).toHaveLength(1);
    return { id, sent };
  }

  const posts = (id: string) => server.requests.filter((r) => r.method === 'POST' && r.ifNoneExist?.endsWith(id));

  it('non-JSON 200 (the Task stored): NOT_FHIR, retried, the stored Task found by search and adopted', async () => {
    const { id } = await afterFault(
      { kind: 'answer', status: 200, body: 'OK', contentType: 'text/plain', store: true },
      'NOT_FHIR',
    );
    expect(posts(id).map((p) => p.outcome)).toEqual([200]);
    const steps = await t.db.prisma.outboundJoinStep.findMany({ where: { requestId: id, action: 'sent' } });
    expect(steps.map((s) => s.reason)).toEqual([expect.stringMatching(/found by its identifier/)]);
  });

  it('HTML 502 from a proxy (nothing stored): HTTP_502, retried, created once; the warn log carries code, partner, request and operation, never the body', async () => {
    const marker = 'proxy-page-高岡太郎';
    const before = logLines.length;
    // renkei_partner_calls_total, by partner, operation and outcome (what the RenkeiPartnerFailing alert reads).
    const calls = async (outcome: string) =>
      (await t.system.metrics.partnerCalls.get()).values.find(
        (v) => v.labels.partner === partnerId && v.labels.operation === 'create-task' && v.labels.outcome === outcome,
      )?.value ?? 0;
    const [failedBefore, okBefore] = [await calls('HTTP_502'), await calls('ok')];
    const { id } = await afterFault(
      {
        kind: 'answer',
        status: 502,
        body: `<html><body><h1>502 Bad Gateway</h1>${marker}</body></html>`,
        contentType: 'text/html',
      },
      'HTTP_502',
    );
    expect(posts(id).map((p) => p.outcome)).toEqual([502, 201]);
    expect([(await calls('HTTP_502')) - failedBefore, (await calls('ok')) - okBefore]).toEqual([1, 1]);
    const lines = logLines.slice(before).filter((l) => l.requestId === id && l.code === 'HTTP_502');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        partnerId,
        requestId: id,
        operation: 'create-task',
        code: 'HTTP_502',
        httpStatus: 502,
        retryable: true,
      }),
    ]);
    const ourLines = logLines
      .slice(before)
      .map((l) => l.raw)
      .join('\n');
    expect(ourLines).not.toContain(marker);
    expect(ourLines).not.toContain('Bad Gateway');
    expect(ourLines).not.toMatch(/generic-[a-z0-9]+-\d+/); // the share code
  });

  it('empty 200 (the Task stored): NOT_FHIR, adopted by search', async () => {
    const { id } = await afterFault({ kind: 'answer', status: 200, body: '', store: true }, 'NOT_FHIR');
    expect(posts(id)).toHaveLength(1);
  });

  it('a resource of the wrong type (the Task stored): WRONG_RESOURCE_TYPE, adopted by search', async () => {
    await afterFault(
      { kind: 'answer', status: 200, body: JSON.stringify({ resourceType: 'Patient', id: 'p-1' }), store: true },
      'WRONG_RESOURCE_TYPE',
    );
  });

  it('an invalid Task (the Task stored): INVALID_FHIR, adopted by search', async () => {
    await afterFault(
      {
        kind: 'answer',
        status: 201,
        body: JSON.stringify({ resourceType: 'Task', id: 'bogus-1', status: 'bogus', intent: 'order' }),
        store: true,
      },
      'INVALID_FHIR',
    );
  });

  it('a hang (the Task stored, no answer before our timeout): TIMEOUT, adopted by search', async () => {
    const { id } = await afterFault({ kind: 'hang', store: true }, 'TIMEOUT');
    expect(posts(id).map((p) => p.outcome)).toEqual(['hang']);
  });

  it('a reset connection (nothing stored): CONNECTION_RESET, the search finds nothing, created once', async () => {
    const { id } = await afterFault({ kind: 'reset' }, 'CONNECTION_RESET');
    expect(posts(id).map((p) => p.outcome)).toEqual(['reset', 201]);
  });

  it('a partner answering non-JSON to every try: a dead letter coded NOT_FHIR in the graph and on the request, delivered once on retry', async () => {
    server.inject({
      kind: 'answer',
      status: 200,
      body: 'maintenance',
      contentType: 'text/plain',
      method: 'POST',
      times: 5,
    });
    const id = await approvedRequest(t.graphqlUrl, actors, partnerId, shareCode());
    const letter = await eventually(
      () => t.db.prisma.exchangeDeadLetter.findFirst({ where: { payload: { equals: { requestId: id } } } }),
      (l) => l !== null,
      30_000,
    );
    expect(letter).toMatchObject({ errorCode: 'NOT_FHIR', attempts: 5 });
    expect(letter!.errorSummary).toMatch(/^create-task: /);
    const listed = (await graphql(t.graphqlUrl, ops.letters, {}, actors.sa.headers)).data?.exchangeDeadLetters;
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: letter!.id, errorCode: 'NOT_FHIR', errorSummary: letter!.errorSummary }),
      ]),
    );
    // The requester (and its facility manager) see why it has not gone out yet.
    const seen = await graphql(
      t.graphqlUrl,
      `
        query ($id: ID!) {
          outboundJoinRequest(id: $id) {
            exchangeStatus
            lastFailureCode
            lastFailureAt
          }
        }
      `,
      { id },
      actors.user.headers,
    );
    expect(seen.data?.outboundJoinRequest).toMatchObject({
      exchangeStatus: 'NOT_SENT',
      lastFailureCode: 'NOT_FHIR',
      lastFailureAt: expect.any(String),
    });
    expect(ours(id)).toHaveLength(0);

    await graphql(t.graphqlUrl, ops.retry, { id: letter!.id }, actors.sa.headers);
    await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    expect(ours(id)).toHaveLength(1);
  }, 60_000);

  it('several Tasks with our identifier already at the partner: the conditional create gets 412, the first is adopted, DUPLICATE_TASKS recorded, none created', async () => {
    const asked = await graphql(
      t.graphqlUrl,
      ops.ask,
      { p: partnerId, c: shareCode(), r: '重複の確認' },
      actors.user.headers,
    );
    const id = asked.data?.askOutboundJoin.id as string;
    await graphql(t.graphqlUrl, ops.confirm, { id }, actors.fm.headers);
    // Another client of the partner's server (or a server that once ignored If-None-Exist) left two copies.
    const identifier = [{ system: ourIdentifierSystems(t.system.exchange.fhirBaseUrl).request, value: id }];
    const first = server.seed({ resourceType: 'Task', status: 'requested', intent: 'order', identifier });
    const second = server.seed({ resourceType: 'Task', status: 'requested', intent: 'order', identifier });
    const before = logLines.length;
    await graphql(t.graphqlUrl, ops.approve, { id }, actors.sa.headers);
    const sent = await until(id, (r) => r.exchangeStatus === 'RECEIVED');
    expect(sent.partnerTaskId).toBe(first.id);
    expect(posts(id).map((p) => p.outcome)).toEqual([412]);
    expect(ours(id).map((task) => task.id)).toEqual([first.id, second.id]);
    const anomaly = await t.db.prisma.outboundJoinStep.findFirst({ where: { requestId: id, action: 'anomaly' } });
    expect(anomaly?.reason).toMatch(
      new RegExp(`^DUPLICATE_TASKS: 2 Tasks .*adopted Task/${first.id}, not Task/${second.id}$`),
    );
    expect(logLines.slice(before)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 40, code: 'DUPLICATE_TASKS', requestId: id, partnerId }),
      ]),
    );
    await completeAtPartner(id, first.id);
  });
});
