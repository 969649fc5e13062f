// End to end, the whole system (gateway, subgraphs, workers, PostgreSQL,
// Redis) against a partner that is a generic FHIR R4 server, not this
// software: the people ask, confirm and approve through the graph, the
// server stores our Task but the answer is lost (the connection drops after
// storing), and the join still ends with exactly one Task there and
// completes once the partner's people complete the Task. Twice: with a
// server that honours If-None-Exist, and with one that ignores it, where only
// our search-before-create keeps the Task single.
import { ourIdentifierSystems } from '../../lib/exchange/identifier-systems';
import type { Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { startGenericFhirServer, type GenericFhirServer } from '../support/generic-fhir-server';
import { approvedRequest, ops } from '../support/mock-partner-fixtures';
import { startOutboundTestbed, type OutboundTestbed } from '../support/outbound-testbed';
import type { TestSystem } from '../support/test-system';

describe('an outbound join to a generic FHIR R4 server whose answer is lost', () => {
  let t: TestSystem;
  let server: GenericFhirServer;
  let partnerId: string;
  let bed: OutboundTestbed<GenericFhirServer>;
  let actors: { user: Actor; fm: Actor; sa: Actor };

  beforeAll(async () => {
    bed = await startOutboundTestbed({
      partner: (tls, caCertificatePem) => startGenericFhirServer({ tls, caCertificatePem }),
      partnerCalls: { timeoutMs: 2_000, poll: { firstDelayMs: 150, maxDelayMs: 300 }, syncStaleMs: 0 },
      retry: { attempts: 5, baseDelayMs: 200, maxDelayMs: 500 },
      every: { 'external-room-sync': 300 },
    });
    ({ t, partner: server, partnerId, actors } = bed);
  });

  afterAll(() => bed.stop());

  async function lostAnswerThenComplete(shareCode: string) {
    // The server stores the Task, then the connection drops before its answer.
    server.inject({ kind: 'reset', store: true, method: 'POST' });
    const id = await approvedRequest(t.graphqlUrl, actors, partnerId, shareCode);
    const systems = ourIdentifierSystems(t.system.exchange.fhirBaseUrl);
    const view = async () =>
      (
        await graphql(
          t.graphqlUrl,
          `
            query ($id: ID!) {
              outboundJoinRequest(id: $id) {
                exchangeStatus
                partnerTaskId
                lastFailureCode
                steps {
                  action
                }
              }
            }
          `,
          { id },
          actors.user.headers,
        )
      ).data?.outboundJoinRequest;
    const sent = await eventually(view, (r) => r?.exchangeStatus === 'RECEIVED', 20_000);
    const tasks = server.tasksWith(systems.request, id);
    expect(tasks).toHaveLength(1);
    expect(sent).toMatchObject({ partnerTaskId: tasks[0]!.id, lastFailureCode: 'CONNECTION_RESET' });
    // Only one POST ever went out; the retry searched and adopted what the lost answer left behind.
    const posts = server.requests.filter((r) => r.method === 'POST' && r.ifNoneExist?.endsWith(id));
    expect(posts.map((p) => p.outcome)).toEqual(['reset']);
    expect(
      server.requests.some(
        (r) => r.method === 'GET' && r.path.startsWith('/fhir/Task?identifier=') && r.path.endsWith(id),
      ),
    ).toBe(true);

    // The partner's people complete the Task, with the CareTeam our user joined.
    const careTeamId = `team-${tasks[0]!.id}`;
    server.careTeams.set(careTeamId, {
      resourceType: 'CareTeam',
      id: careTeamId,
      status: 'active',
      participant: [{ member: { identifier: { system: systems.user, value: actors.user.userId }, display: 'user' } }],
    });
    expect(
      await server.updateTask(tasks[0]!.id, {
        status: 'completed',
        output: [{ type: { text: 'care-team' }, valueReference: { reference: `CareTeam/${careTeamId}` } }],
      }),
    ).toBe(200);
    const done = await eventually(view, (r) => r?.exchangeStatus === 'COMPLETED', 20_000);
    expect(done.steps.map((s: { action: string }) => s.action)).toEqual([
      'submit',
      'forward',
      'approve',
      'sent',
      'partner-completed',
    ]);
    const mine = (await graphql(t.graphqlUrl, ops.mine, {}, actors.user.headers)).data?.myExternalRooms;
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ careTeamId, status: 'ACTIVE', request: { id, exchangeStatus: 'COMPLETED' } }),
      ]),
    );
    expect(server.tasksWith(systems.request, id)).toHaveLength(1);
  }

  it('a server honouring If-None-Exist: one Task, the join completes', async () => {
    server.options.honourIfNoneExist = true;
    await lostAnswerThenComplete('generic-lost-answer-1');
  }, 60_000);

  it('a server ignoring If-None-Exist: the search before the retry still keeps it to one Task, the join completes', async () => {
    server.options.honourIfNoneExist = false;
    await lostAnswerThenComplete('generic-lost-answer-2');
  }, 60_000);
});
