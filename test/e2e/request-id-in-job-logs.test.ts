// The request id, end to end through real HTTP, PostgreSQL and Redis: the
// gateway gives a GraphQL request its id (the client's x-request-id when it
// is a UUID), the subgraph stores it with the outbox event the mutation
// writes, the relay copies it into the job, and the job's log lines carry it.
import { randomUUID } from 'node:crypto';
import { consentWithdrawn } from '../../adapters/jobs/consent-withdrawn';
import { actorWithRole, type Actor } from '../support/actors';
import { captureLogger } from '../support/capture-logger';
import { graphql } from '../support/graphql-client';
import { eventually } from '../support/eventually';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const openRoom = `mutation($s: ID!, $t: String!) { openRoom(input: { subjectId: $s, title: $t }) { id } }`;
const withdrawConsent = `mutation($id: ID!, $reason: String!) { withdrawConsent(subjectId: $id, reason: $reason) { id } }`;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('a request id from the GraphQL request into the logs of the jobs it causes', () => {
  let t: TestSystem;
  let manager: Actor;
  const { logger, lines } = captureLogger();

  beforeAll(async () => {
    t = await startTestSystem({ workers: true, logger });
    manager = await actorWithRole(t, 'SYSTEM_ADMIN');
  });
  afterAll(async () => {
    await t.stop();
  });

  const post = (query: string, variables: Record<string, unknown>, requestId: string) =>
    fetch(t.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...manager.headers },
      body: JSON.stringify({ query, variables }),
    });

  it("logs the mutation's request id on every line of the consent-withdrawn job it caused", async () => {
    const subjectId = await subjectWithConsent(t, manager);
    const opened = await graphql(t.graphqlUrl, openRoom, { s: subjectId, t: '部屋' }, manager.headers);
    expect(opened.errors).toBeUndefined();

    const requestId = randomUUID();
    const response = await post(withdrawConsent, { id: subjectId, reason: '撤回' }, requestId);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    expect(response.headers.get('x-request-id')).toBe(requestId);

    // Stored with the event, beside (not in) the payload.
    const event = await t.db.prisma.consentOutboxEvent.findFirstOrThrow({
      where: { type: 'consent.withdrawn', payload: { path: ['subjectId'], equals: subjectId } },
    });
    expect(event.requestId).toBe(requestId);
    expect(JSON.stringify(event.payload)).not.toContain(requestId);

    const jobLines = await eventually(
      async () => lines.filter((line) => line.queue === consentWithdrawn.queue && line.requestId === requestId),
      (found) => found.some((line) => line.msg === 'rooms suspended: consent withdrawn'),
      20_000,
    );
    expect(jobLines.every((line) => typeof line.jobId === 'string')).toBe(true);
    // Every line this job logged carries the id: none of its lines went out without it.
    const jobIds = new Set(jobLines.map((line) => line.jobId));
    expect(lines.filter((line) => jobIds.has(line.jobId)).every((line) => line.requestId === requestId)).toBe(true);
  });

  it('replaces an incoming x-request-id that is not a UUID with a fresh one', async () => {
    const response = await post('{ __typename }', {}, 'taro-yamada-1950-01-01');
    const assigned = response.headers.get('x-request-id');
    expect(assigned).toMatch(uuidPattern);
    expect(assigned).not.toContain('yamada');
  });
});
