// Issue 15: the metrics of the whole system (one process, one registry) at
// its internal /metrics endpoint, moved by what users do through the
// gateway: named operations and their outcomes, subgraph calls, session
// resolutions, refused sign-ins, a lockout, a rate-limit refusal, and a
// break-glass declaration (issue 14); the worker's job counts, outbox lag
// and dead letters read at scrape time. Values, not only presence.
import { actorWithRole, actorPassword, type Actor } from '../support/actors';
import { eventually } from '../support/eventually';
import { graphql } from '../support/graphql-client';
import { scrape, type Scrape } from '../support/scrape';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { fhirRequest, partnerJwt, registerSimulatedPartner } from '../support/simulated-partner';
import { startTestSystem, type TestSystem } from '../support/test-system';

const signIn = 'mutation SignIn($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token } }';
const me = 'query Me { me { user { id } } }';
const openRoom = `mutation OpenRoom($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "部屋", memberIds: $m }) { id } }`;
const declare = `mutation Declare($input: DeclareEmergencyAccessInput!) { declareEmergencyAccess(input: $input) { id } }`;

let t: TestSystem;
let sa: Actor;
let opener: Actor;
let member: Actor;
let victim: Actor;

beforeAll(async () => {
  t = await startTestSystem({
    metrics: true,
    workers: true,
    settings: { lockoutRules: { maxFailures: 3, lockMinutes: 15 } },
    // Sign-ins per address: the four actors', three wrong passwords, one on the locked account, then refused.
    gatewayProtection: { rateLimits: { sessionPerMinute: 0, certificatePerMinute: 0, signInPerMinute: 8 } },
  });
  sa = await actorWithRole(t, 'SYSTEM_ADMIN');
  opener = await actorWithRole(t, 'HOSPITAL_MANAGER');
  member = await actorWithRole(t, 'USER');
  victim = await actorWithRole(t, 'USER');
}, 60_000);
afterAll(() => t?.stop());

const metricsOf = () => scrape(t.metricsUrl as string);
/** How much a sample moved between two scrapes (an absent sample counts as 0). */
const moved = (before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}) =>
  (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);

it('serves the process metrics on its own listener, not on the gateway port', async () => {
  const metrics = await metricsOf();
  expect(metrics.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  expect(metrics.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  expect(new URL(t.metricsUrl as string).port).not.toBe(new URL(t.graphqlUrl).port);
  const onGateway = await fetch(t.graphqlUrl.replace(/\/graphql$/, '/metrics'));
  expect(onGateway.status).toBe(404);
});

it('counts operations by name and outcome, subgraph calls, sessions, refused sign-ins, the lockout and the rate limit', async () => {
  const before = await metricsOf();
  for (let i = 0; i < 2; i += 1) expect((await graphql(t.graphqlUrl, me, {}, member.headers)).errors).toBeUndefined();
  const wrong = [];
  for (let i = 0; i < 4; i += 1) wrong.push(await graphql(t.graphqlUrl, signIn, { a: victim.accountId, p: 'wrong' }));
  expect(wrong.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(Array(4).fill('UNAUTHENTICATED'));
  // The ninth sign-in from this address in the minute: refused before it reaches Apollo.
  const limited = await fetch(t.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: signIn, variables: { a: victim.accountId, p: actorPassword } }),
  });
  expect(limited.status).toBe(429);
  const after = await metricsOf();

  const operations = 'renkei_graphql_operation_duration_seconds_count';
  expect(moved(before, after, operations, { operation: 'Me', outcome: 'ok' })).toBe(2);
  expect(moved(before, after, operations, { operation: 'SignIn', outcome: 'UNAUTHENTICATED' })).toBe(4);
  expect(after.value('renkei_graphql_operation_duration_seconds_bucket', { operation: 'Me', le: '+Inf' })).toBe(
    after.value(operations, { operation: 'Me' }),
  );
  expect(
    moved(before, after, 'renkei_subgraph_fetch_duration_seconds_count', { subgraph: 'identity', outcome: 'ok' }),
  ).toBeGreaterThanOrEqual(6);
  // Every request resolved its caller; the member's second one may have been reused (at most a second).
  const resolved = moved(before, after, 'renkei_session_resolutions_total', { result: 'ok' });
  expect(resolved).toBeGreaterThanOrEqual(7);

  const failures = (reason: string) => moved(before, after, 'renkei_sign_in_failures_total', { reason });
  expect([failures('wrong-password'), failures('wrong-password-now-locked'), failures('locked')]).toEqual([2, 1, 1]);
  expect(moved(before, after, 'renkei_account_lockouts_total', { via: 'sign_in' })).toBe(1);
  expect(after.value('renkei_account_lockouts_total', { via: 'change_password' })).toBe(0);
  expect(moved(before, after, 'renkei_rate_limit_refusals_total', { limit: 'signIn' })).toBe(1);
  // No person's id or account id in any label.
  for (const actor of [member, victim]) {
    expect(after.text).not.toContain(actor.userId);
    expect(after.text).not.toContain(actor.accountId);
  }
});

it('counts a break-glass declaration by reason and shows it in force; reads jobs, outbox lag and dead letters at scrape time', async () => {
  const before = await metricsOf();
  expect(before.value('renkei_emergency_access_declared_total', { reason: 'DISASTER' })).toBe(0);
  expect(before.value('renkei_emergency_accesses_active')).toBe(0);
  const subjectId = await subjectWithConsent(t, opener);
  const opened = await graphql(t.graphqlUrl, openRoom, { s: subjectId, m: [member.userId] }, opener.headers);
  expect(opened.errors).toBeUndefined();
  const declared = await graphql(
    t.graphqlUrl,
    declare,
    {
      input: {
        subjectId,
        reason: 'DISASTER',
        justification: '地震で避難所に移動',
        granteeIds: [victim.userId],
        hours: 2,
      },
    },
    sa.headers,
  );
  expect(declared.errors).toBeUndefined();
  const after = await metricsOf();
  expect(moved(before, after, 'renkei_emergency_access_declared_total', { reason: 'DISASTER' })).toBe(1);
  expect(after.value('renkei_emergency_accesses_active')).toBe(1);
  expect(after.text).not.toContain(subjectId);

  // The room's events went through the outbox to the queues: jobs completed, nothing waiting for long.
  const settled = await eventually(
    metricsOf,
    (m) => (m.value('renkei_jobs_finished_total', { state: 'completed' }) ?? 0) > 0,
  );
  expect(settled.value('renkei_jobs_finished_total', { state: 'completed' })).toBeGreaterThan(0);
  for (const outbox of ['consent', 'rooms', 'integration', 'identity'])
    expect(settled.value('renkei_outbox_lag_seconds', { outbox })).toBeLessThan(60);
  for (const state of ['waiting', 'active', 'delayed', 'failed'])
    expect(settled.value('renkei_jobs', { queue: 'care-relationships-changed', state })).not.toBeNull();
  expect(settled.value('renkei_dead_letters_waiting')).toBe(0);
  expect(settled.value('renkei_metrics_source_errors_total')).toBeNull();
});

it('counts the partner endpoint’s requests by route pattern, partner and status, never by path', async () => {
  const base = t.system.exchange.fhirBaseUrl;
  const before = await metricsOf();
  expect((await fetch(`${base}/metadata`)).status).toBe(200);
  // Unauthenticated: refused before any partner is known.
  const refused = await fetch(`${base}/Task/3f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9`);
  expect(refused.status).toBe(401);
  const after = await metricsOf();
  const count = (labels: Record<string, string>) =>
    moved(before, after, 'renkei_fhir_request_duration_seconds_count', labels);
  expect(count({ route: 'GET /metadata', partner: 'none', status: '200' })).toBe(1);
  expect(count({ route: 'GET /Task/:id', partner: 'none', status: '401' })).toBe(1);
  expect(after.text).not.toContain('3f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9');

  // Authenticated: the partner's organization id names its calls.
  const partner = await registerSimulatedPartner(t, sa, '氷見市多職種ネット', 'himi.example');
  const search = await fhirRequest(base, 'GET', '/Task?identifier=https://himi.example/requests|none', {
    token: await partnerJwt(partner, base),
  });
  expect(search.status).toBe(200);
  const later = await metricsOf();
  expect(
    moved(after, later, 'renkei_fhir_request_duration_seconds_count', {
      route: 'GET /Task',
      partner: partner.id,
      status: '200',
    }),
  ).toBe(1);
});
