// Withdrawing an outbound join after our approval (Art. 20-3, the requester
// side of the contract's cancellation), against a generic FHIR R4 server:
// the partner's Task ends cancelled by JSON Patch, or by a PUT where the
// server does not take patch (405); a partner that answers 409 (it had
// decided) is recorded as a step and the request follows its decision; a
// request the partner has answered can no longer be withdrawn; a Task a lost
// answer left behind is found by our identifier and cancelled, and nothing
// more is posted once withdrawn.
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import type { Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { startGenericFhirServer, type GenericFhirServer } from '../support/generic-fhir-server';
import { approvedRequest, ops } from '../support/mock-partner-fixtures';
import { startOutboundTestbed, type OutboundTestbed } from '../support/outbound-testbed';
import type { TestSystem } from '../support/test-system';

const view = `query($id: ID!) { outboundJoinRequest(id: $id) { status exchangeStatus exchangeReason partnerTaskId lastFailureCode steps { action actorRole reason } } }`;
const conflict = JSON.stringify({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'conflict', diagnostics: 'already decided' }],
});

describe('withdrawing an outbound join the partner already holds', () => {
  let t: TestSystem;
  let server: GenericFhirServer;
  let partnerId: string;
  let bed: OutboundTestbed<GenericFhirServer>;
  let actors: { user: Actor; fm: Actor; sa: Actor };
  let n = 0;

  beforeAll(async () => {
    bed = await startOutboundTestbed({
      partner: (tls, caCertificatePem) => startGenericFhirServer({ tls, caCertificatePem }),
      partnerCalls: { timeoutMs: 2_000, poll: { firstDelayMs: 150, maxDelayMs: 300 }, syncStaleMs: 60_000 },
      retry: { attempts: 8, baseDelayMs: 200, maxDelayMs: 500 },
    });
    ({ t, partner: server, partnerId, actors } = bed);
  });

  afterAll(() => bed.stop());

  const read = (id: string) => async () =>
    (await graphql(t.graphqlUrl, view, { id }, actors.user.headers)).data?.outboundJoinRequest;
  const taskOf = (id: string) => server.tasksWith(ourIdentifierSystems(t.system.exchange.fhirBaseUrl).request, id);
  const withdraw = (id: string) => graphql(t.graphqlUrl, ops.withdraw, { id }, actors.user.headers);
  const actions = (r: { steps: Array<{ action: string }> }) => r.steps.map((s) => s.action);

  /** An approved request the partner holds (our Task stored there as `requested`). */
  async function sent(): Promise<{ id: string; taskId: string }> {
    n += 1;
    const id = await approvedRequest(t.graphqlUrl, actors, partnerId, `cancel-test-code-${n}-0000`);
    const r = await eventually(read(id), (v) => v?.exchangeStatus === 'RECEIVED', 20_000);
    expect(r).toMatchObject({ exchangeStatus: 'RECEIVED' });
    return { id, taskId: r.partnerTaskId };
  }

  it('JSON Patch: the Task ends cancelled, with our reason; the request is WITHDRAWN and CANCELLED', async () => {
    server.options.patch = true;
    const { id, taskId } = await sent();
    expect((await withdraw(id)).data?.withdrawOutboundJoin.status).toBe('WITHDRAWN');
    const done = await eventually(read(id), (v) => v?.exchangeStatus === 'CANCELLED', 20_000);
    expect(done).toMatchObject({
      status: 'WITHDRAWN',
      exchangeStatus: 'CANCELLED',
      exchangeReason: 'withdrawn by the requester',
    });
    expect(actions(done)).toEqual(['submit', 'forward', 'approve', 'sent', 'withdraw', 'partner-cancelled']);
    expect(server.tasks.get(taskId)).toMatchObject({
      status: 'cancelled',
      statusReason: { text: 'withdrawn by the requester' },
    });
    const patches = server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/Task/${taskId}`));
    expect(patches).toEqual([expect.objectContaining({ contentType: 'application/json-patch+json', outcome: 200 })]);
  }, 60_000);

  it('a server without patch (405): a PUT of the Task with status cancelled, on the version read', async () => {
    server.options.patch = false;
    try {
      const { id, taskId } = await sent();
      await withdraw(id);
      const done = await eventually(read(id), (v) => v?.exchangeStatus === 'CANCELLED', 20_000);
      expect(done).toMatchObject({ status: 'WITHDRAWN', exchangeStatus: 'CANCELLED' });
      const writes = server.requests.filter(
        (r) => (r.method === 'PATCH' || r.method === 'PUT') && r.path.endsWith(`/Task/${taskId}`),
      );
      expect(writes.map((r) => [r.method, r.outcome, r.ifMatch])).toEqual([
        ['PATCH', 405, undefined],
        ['PUT', 200, 'W/"1"'],
      ]);
      // The rest of the Task is as we sent it: only the status and its reason changed.
      expect(server.tasks.get(taskId)).toMatchObject({
        status: 'cancelled',
        statusReason: { text: 'withdrawn by the requester' },
        intent: 'order',
        identifier: [{ value: id }],
      });
    } finally {
      server.options.patch = true;
    }
  }, 60_000);

  it('a partner that already decided answers 409: recorded as a step, and the request follows its decision (completed, the membership kept)', async () => {
    const { id, taskId } = await sent();
    server.inject({ method: 'PATCH', kind: 'answer', status: 409, body: conflict });
    await withdraw(id);
    const refused = await eventually(read(id), (v) => actions(v ?? { steps: [] }).includes('cancel-refused'), 20_000);
    expect(refused.steps.find((s: { action: string }) => s.action === 'cancel-refused')).toMatchObject({
      actorRole: 'PARTNER',
      reason: expect.stringContaining('409'),
    });
    expect(server.tasks.get(taskId)?.status).toBe('requested');

    // The partner's people complete the Task: the withdrawn request follows, and our user is in the room.
    const systems = ourIdentifierSystems(t.system.exchange.fhirBaseUrl);
    server.careTeams.set(`team-${taskId}`, {
      resourceType: 'CareTeam',
      id: `team-${taskId}`,
      status: 'active',
      participant: [{ member: { identifier: { system: systems.user, value: actors.user.userId } } }],
    });
    expect(
      await server.updateTask(taskId, {
        status: 'completed',
        output: [{ type: { text: 'care-team' }, valueReference: { reference: `CareTeam/team-${taskId}` } }],
      }),
    ).toBe(200);
    const done = await eventually(read(id), (v) => v?.exchangeStatus === 'COMPLETED', 20_000);
    expect(done).toMatchObject({ status: 'WITHDRAWN', exchangeStatus: 'COMPLETED' });
    expect(actions(done)).toEqual([
      'submit',
      'forward',
      'approve',
      'sent',
      'withdraw',
      'cancel-refused',
      'partner-completed',
    ]);
    const mine = (await graphql(t.graphqlUrl, ops.mine, {}, actors.user.headers)).data?.myExternalRooms;
    expect(mine).toEqual(
      expect.arrayContaining([expect.objectContaining({ careTeamId: `team-${taskId}`, status: 'ACTIVE' })]),
    );
    // Once: no second PATCH after the refusal.
    expect(server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/Task/${taskId}`))).toHaveLength(1);
  }, 60_000);

  it('once the partner has answered, the request can no longer be withdrawn', async () => {
    const { id, taskId } = await sent();
    expect(await server.updateTask(taskId, { status: 'accepted' })).toBe(200);
    await eventually(read(id), (v) => v?.exchangeStatus === 'ACCEPTED', 20_000);
    const refused = await withdraw(id);
    expect(refused.errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect(await read(id)()).toMatchObject({ status: 'APPROVED', exchangeStatus: 'ACCEPTED' });
  }, 60_000);

  it('a Task a lost answer left behind is found by our identifier and cancelled; nothing is posted after the withdrawal', async () => {
    // The server stores our Task, then drops the connection; its searches fail until the request is withdrawn.
    server.inject({ method: 'POST', kind: 'reset', store: true });
    server.inject({
      method: 'GET',
      kind: 'answer',
      status: 503,
      body: 'busy',
      contentType: 'text/plain',
      times: 1_000,
    });
    n += 1;
    const id = await approvedRequest(t.graphqlUrl, actors, partnerId, `cancel-test-code-${n}-0000`);
    expect(await eventually(read(id), (v) => v?.lastFailureCode === 'HTTP_503', 20_000)).toMatchObject({
      exchangeStatus: 'NOT_SENT',
    });
    expect((await withdraw(id)).data?.withdrawOutboundJoin.status).toBe('WITHDRAWN');
    server.clearFaults();

    // The cancel job looks once a POST under way at the withdrawal must have ended (the 2 s call timeout, plus a margin).
    const done = await eventually(read(id), (v) => v?.exchangeStatus === 'CANCELLED', 30_000);
    expect(done).toMatchObject({ status: 'WITHDRAWN', exchangeStatus: 'CANCELLED' });
    expect(actions(done)).toEqual(['submit', 'forward', 'approve', 'withdraw', 'sent', 'partner-cancelled']);
    expect(taskOf(id)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect(server.requests.filter((r) => r.method === 'POST' && r.ifNoneExist?.endsWith(id))).toHaveLength(1);
  }, 60_000);
});
