// A partner system as the inbound FHIR tests see it: registered in our
// partner registry through the real graph with a key pair the test holds,
// signing contract JWTs and sending contract join Tasks over real HTTP to our
// /fhir endpoint. Plus the fixtures those tests share: a room opened by a
// manager after consent, a share code issued through the graph, and the row
// counts that prove a refused request stored nothing.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { buildJoinTask, type JoinTaskInput } from '../../adapters/fhir/join-task';
import { actorWithRole, type Actor } from './actors';
import { graphql } from './graphql-client';
import { subjectWithConsent } from './sharing-fixtures';
import { startTestSystem, type TestSystem } from './test-system';
import { syncDirectory } from './directory-fixtures';

export interface SimulatedPartner {
  id: string;
  privateKey: KeyLike;
  requesterSystem: string;
  userSystem: string;
}

export interface FhirAnswer {
  status: number;
  location: string | null;
  contentType: string | null;
  json: any;
}

const registerPartner = `mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { id } }`;
const openRoomDocument = `mutation($s: ID!, $t: String!) { openRoom(input: { subjectId: $s, title: $t }) { id } }`;
const issueDocument = `mutation($r: ID!, $p: ID!, $days: Int) { issueRoomShareCode(roomId: $r, partnerId: $p, expiresInDays: $days) { code shareCode { id } } }`;

async function mustSucceed(response: Promise<{ errors?: unknown; data?: any }>) {
  const answer = await response;
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data;
}

/** Registers a partner (as `admin`, a system admin) whose key the test holds. */
export async function registerSimulatedPartner(
  t: TestSystem,
  admin: Actor,
  name: string,
  host: string,
): Promise<SimulatedPartner> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const requesterSystem = `https://${host}/requests`;
  const userSystem = `https://${host}/users`;
  const input = {
    name,
    fhirBaseUrl: `https://${host}/fhir`,
    requesterSystem,
    userSystem,
    jwks: JSON.stringify({ keys: [await exportJWK(publicKey)] }),
  };
  const data = await mustSucceed(graphql(t.graphqlUrl, registerPartner, { input }, admin.headers));
  // What the directory-changed job does once identity announces the partner (rooms checks share codes against it).
  await syncDirectory(t, { partnerId: data.registerPartner.id });
  return { id: data.registerPartner.id, privateKey, requesterSystem, userSystem };
}

export interface JwtOptions {
  aud?: string;
  expIn?: number;
  iat?: number;
  jti?: string;
  sub?: string;
  key?: KeyLike;
}

/** A contract JWT for `partner` to our endpoint (`base`), each part overridable to make it wrong. */
export function partnerJwt(partner: SimulatedPartner, base: string, claims: JwtOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(partner.id)
    .setSubject(claims.sub ?? partner.id)
    .setAudience(claims.aud ?? base)
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(now + (claims.expIn ?? 120))
    .setJti(claims.jti ?? randomUUID())
    .sign(claims.key ?? partner.privateKey);
}

export async function fhirRequest(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<FhirAnswer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/fhir+json';
  const response = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await response.text();
  return {
    status: response.status,
    location: response.headers.get('location'),
    contentType: response.headers.get('content-type'),
    json: text ? JSON.parse(text) : undefined,
  };
}

/** The contract's join Task from `partner` for the room `shareCode` addresses, with a fresh identifier. */
export function joinTaskFrom(
  partner: SimulatedPartner,
  shareCode: string,
  overrides: Partial<JoinTaskInput> = {},
): Record<string, unknown> {
  return buildJoinTask({
    identifier: { system: partner.requesterSystem, value: randomUUID() },
    shareCode,
    authoredOn: '2026-11-25T09:00:00+09:00',
    requester: { system: partner.userSystem, value: 'admin-1', display: '氷見 管理者' },
    practitioner: { system: partner.userSystem, value: `nurse-${randomUUID().slice(0, 8)}`, display: '氷見 看護師' },
    organization: { display: '氷見訪問看護ステーション' },
    reason: '退院後の訪問看護で関わるため',
    ...overrides,
  });
}

/** An open room, opened by `manager` (a deciding manager) after consent. */
export async function openRoomAs(t: TestSystem, manager: Actor): Promise<string> {
  const subjectId = await subjectWithConsent(t, manager);
  const data = await mustSucceed(
    graphql(t.graphqlUrl, openRoomDocument, { s: subjectId, t: '太郎さんの部屋' }, manager.headers),
  );
  return data.openRoom.id;
}

export async function issueShareCodeAs(
  t: TestSystem,
  manager: Actor,
  roomId: string,
  partner: SimulatedPartner,
  days?: number,
): Promise<{ code: string; id: string }> {
  const data = await mustSucceed(
    graphql(t.graphqlUrl, issueDocument, { r: roomId, p: partner.id, days }, manager.headers),
  );
  return { code: data.issueRoomShareCode.code, id: data.issueRoomShareCode.shareCode.id };
}

/** Everything an inbound join stores, across the integration and rooms schemas. */
export async function inboundRowCounts(t: TestSystem) {
  const p = t.db.prisma;
  return {
    tasks: await p.inboundTask.count(),
    integrationEvents: await p.integrationOutboxEvent.count(),
    requests: await p.inboundJoinRequest.count(),
    steps: await p.inboundJoinStep.count(),
    participants: await p.externalParticipant.count(),
    shareCodes: await p.roomShareCode.count(),
    roomsEvents: await p.roomsOutboxEvent.count(),
  };
}

/**
 * What the inbound (Art. 20-2) e2e tests stand on: the whole system, its
 * system admin and a hospital manager who opens rooms, and two registered
 * partner networks (Himi and Imizu), so a test can show one partner never
 * reaches what the other asked for.
 */
export async function startInboundTestbed(options: { workers: boolean }): Promise<{
  t: TestSystem;
  base: string;
  sa: Actor;
  hm: Actor;
  himi: SimulatedPartner;
  imizu: SimulatedPartner;
}> {
  const t = await startTestSystem({ workers: options.workers });
  const sa = await actorWithRole(t, 'SYSTEM_ADMIN');
  const hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
  return {
    t,
    base: t.system.exchange.fhirBaseUrl,
    sa,
    hm,
    himi: await registerSimulatedPartner(t, sa, '氷見市多職種ネット', 'himi.example'),
    imizu: await registerSimulatedPartner(t, sa, '射水市多職種ネット', 'imizu.example'),
  };
}
