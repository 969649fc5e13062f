// Helpers for the identity integration tests: the GraphQL documents of the
// identity mutations, valid form inputs, a snapshot of identity's state (to
// prove a refused request changed nothing) and the audit rows a request left.
import { randomUUID } from 'node:crypto';
import type { Role } from '../../lib/access/principal';
import { hashPassword } from '../../subgraphs/identity/services/password-hasher';
import type { Actor } from './actors';
import { graphql, type GraphQLResponse } from './graphql-client';
import type { TestSystem } from './test-system';

export const documents = {
  signIn: `mutation($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token mustChangePassword } }`,
  facilities: `{ facilities(first: 5) { items { id } } }`,
  form1: `mutation($input: FacilityInput!, $paper: String) { submitFacilityRegistration(input: $input, onPaperFor: $paper) { id form status } }`,
  form2: `mutation($f: ID!, $input: FacilityChangeInput!, $paper: String) { submitFacilityChange(facilityId: $f, input: $input, onPaperFor: $paper) { id form status } }`,
  form3: `mutation($f: ID!, $reason: String!, $date: Date!, $paper: String) { submitFacilityStop(facilityId: $f, reason: $reason, eventDate: $date, onPaperFor: $paper) { id form status } }`,
  form4: `mutation($f: ID!, $input: UserRegistrationInput!, $paper: String) { submitUserRegistration(facilityId: $f, input: $input, onPaperFor: $paper) { id form status } }`,
  form5: `mutation($f: ID!, $input: UserChangeInput!, $paper: String) { submitUserChange(facilityId: $f, input: $input, onPaperFor: $paper) { id form status lateSubmission } }`,
  forward: `mutation($id: ID!) { forwardApplication(id: $id) { id status } }`,
  approve: `mutation($id: ID!) { approveApplication(id: $id) { application { id status copyToSystemAdmin } issuedAccount { accountId initialPassword user { id role status } } } }`,
  reject: `mutation($id: ID!, $reason: String!) { rejectApplication(id: $id, reason: $reason) { id status decisionReason steps { action reason actorRole actor { id } } } }`,
  withdraw: `mutation($id: ID!) { withdrawApplication(id: $id) { id status steps { action actor { id } } } }`,
  application: `query($id: ID!) { application(id: $id) { id status decisionReason lateSubmission steps { action reason actorRole actor { id } } } }`,
  issueCertificate: `mutation($f: ID!, $label: String!) { issueClientCertificate(facilityId: $f, label: $label) { certificate { id fingerprint facility { id } } passphrase } }`,
  revokeCertificate: `mutation($id: ID!, $reason: String!) { revokeClientCertificate(id: $id, reason: $reason) { id revokedAt } }`,
  restrictSystem: `mutation($input: RestrictionInput!) { restrictSystem(input: $input) { id scope operations message scheduledEndAt } }`,
  liftRestriction: `mutation { liftRestriction }`,
  suspendUser: `mutation($u: ID!, $reason: String!) { suspendUser(userId: $u, reason: $reason) { id status } }`,
  reinstateUser: `mutation($u: ID!, $reason: String!) { reinstateUser(userId: $u, reason: $reason) { id status } }`,
  deleteAccount: `mutation($u: ID!, $reason: String!) { deleteAccount(userId: $u, reason: $reason) { id status } }`,
  registerSubject: `mutation($input: RegisterSubjectInput!) { registerSubject(input: $input) { id } }`,
  users: `query($f: ID!) { users(facilityId: $f) { id role } }`,
  clientCertificates: `query($f: ID!) { clientCertificates(facilityId: $f) { id } }`,
};

/** Calls the gateway as `actor` (anonymous when null). */
export function as(t: TestSystem, actor: Pick<Actor, 'headers'> | null) {
  return (query: string, variables: Record<string, unknown> = {}) =>
    graphql(t.graphqlUrl, query, variables, actor?.headers ?? {});
}

export function signIn(t: TestSystem, accountId: string, password: string) {
  return graphql(t.graphqlUrl, documents.signIn, { a: accountId, p: password });
}

/** Gives an account a password the test knows (actors.ts keeps its own private). */
export async function setPassword(t: TestSystem, userId: string, password: string): Promise<void> {
  await t.db.prisma.user.update({
    where: { id: userId },
    data: {
      passwordHash: await hashPassword(password),
      mustChangePassword: false,
      failedSignIns: 0,
      lockedUntil: null,
    },
  });
}

export const facilityInput = (overrides: Record<string, unknown> = {}) => ({
  name: `高岡訪問看護ステーション ${randomUUID().slice(0, 8)}`,
  kind: 'CARE_INSURANCE_SERVICE',
  insideCity: true,
  address: '高岡市広小路7-50',
  ...overrides,
});

export const userRegistrationInput = (role: Role = 'USER', overrides: Record<string, unknown> = {}) => ({
  name: '越中 花子',
  nameKana: 'エッチュウ ハナコ',
  role,
  pledge: { agreed: true, pledgedOn: '2026-11-01', textVersion: '2024-08-01' },
  ...overrides,
});

/** A calendar date `days` before today (UTC), as YYYY-MM-DD. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * What a refused request must leave untouched: every row of identity's
 * tables that an operation could create or change (audit and sessions aside:
 * the first grows by design, the second is touched by every request).
 */
export async function identityState(t: TestSystem) {
  const p = t.db.prisma;
  const [applications, steps, users, facilities, certificates, restrictions, subjects] = await Promise.all([
    p.application.findMany({
      select: { id: true, status: true, decisionReason: true, resultId: true },
      orderBy: { id: 'asc' },
    }),
    p.applicationStep.count(),
    p.user.findMany({
      select: { id: true, status: true, role: true, name: true, orgUnitId: true },
      orderBy: { id: 'asc' },
    }),
    p.facility.findMany({ select: { id: true, status: true, name: true }, orderBy: { id: 'asc' } }),
    p.clientCertificate.findMany({ select: { id: true, revokedAt: true }, orderBy: { id: 'asc' } }),
    p.systemRestriction.findMany({ select: { id: true, endedAt: true }, orderBy: { id: 'asc' } }),
    p.subject.count(),
  ]);
  return { applications, steps, users, facilities, certificates, restrictions, subjects };
}

/** Row counts of the tables a form or certificate operation writes. */
export async function rowCounts(t: TestSystem) {
  const p = t.db.prisma;
  return {
    application: await p.application.count(),
    user: await p.user.count(),
    facility: await p.facility.count(),
    clientCertificate: await p.clientCertificate.count(),
  };
}

/** The newest audit row id, to read what one request wrote afterwards. */
export async function auditMark(t: TestSystem): Promise<bigint> {
  const last = await t.db.prisma.auditEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  return last?.id ?? 0n;
}

export function auditSince(
  t: TestSystem,
  mark: bigint,
  where: { action?: string; outcome?: string; actorId?: string | null; targetId?: string } = {},
) {
  return t.db.prisma.auditEvent.findMany({ where: { id: { gt: mark }, ...where }, orderBy: { id: 'asc' } });
}

/** The non-null root values of a response: a refused nullable field still answers `{ field: null }`. */
export function resultValues(response: GraphQLResponse<unknown>): unknown[] {
  return Object.values((response.data ?? {}) as Record<string, unknown>).filter((v) => v !== null);
}

export function firstError(response: GraphQLResponse<unknown>) {
  return response.errors?.[0];
}

/**
 * Runs a request that must be refused with FORBIDDEN: checks the code, the
 * DENIED audit row naming the caller, and that nothing else changed.
 */
export async function expectForbidden(
  t: TestSystem,
  actor: Actor,
  query: string,
  variables: Record<string, unknown>,
): Promise<void> {
  const before = await identityState(t);
  const mark = await auditMark(t);
  const response = await as(t, actor)(query, variables);
  expect(firstError(response)?.extensions?.code).toBe('FORBIDDEN');
  expect(resultValues(response)).toEqual([]);
  const denied = await auditSince(t, mark, { outcome: 'DENIED' });
  expect(denied).toEqual([expect.objectContaining({ outcome: 'DENIED', actorId: actor.userId })]);
  expect(await identityState(t)).toEqual(before);
}

/**
 * Runs a request that must be refused with `code` (and `field`, when given)
 * and must change nothing: row counts and every row's state are compared.
 */
export async function expectRefused(
  t: TestSystem,
  actor: Actor | null,
  query: string,
  variables: Record<string, unknown>,
  code: string,
  field?: string,
): Promise<GraphQLResponse> {
  const counts = await rowCounts(t);
  const before = await identityState(t);
  const response = await as(t, actor)(query, variables);
  const error = firstError(response);
  expect(error?.extensions?.code).toBe(code);
  if (field !== undefined) expect(error?.extensions?.field).toBe(field);
  expect(resultValues(response)).toEqual([]);
  expect(await rowCounts(t)).toEqual(counts);
  expect(await identityState(t)).toEqual(before);
  return response;
}

/** Submits a form and returns the application id, failing loudly on any error. */
export async function submitted(response: Promise<GraphQLResponse>, field: string): Promise<string> {
  const result = await response;
  if (result.errors) throw new Error(`${field} failed: ${JSON.stringify(result.errors)}`);
  return (result.data as Record<string, { id: string }>)[field]!.id;
}
