// The partner registry (Art. 20-2, 20-3): partner systems the network
// exchanges with, registered and suspended by the system admin alone
// ('partner.manage'). A partner authenticates to us with a JWT signed by a
// key of its registered JWK set, or (where TLS lets its certificate reach us)
// a registered certificate fingerprint; we authenticate to it with our
// exchange key (lib/exchange), and, for a partner that wants mutual TLS, with
// a client certificate issued for that partner alone (see
// issueClientCredential). A partner's CA (its private PKI) is part of its
// registration and trusted for calls to that partner only: changing it takes
// effect on the next call, without a restart (partnerTransport). Suspending a
// partner stops all traffic both ways at once: every exchange path asks
// findPartnerForExchange, which answers null for a suspended partner, and the
// join requests it still had pending end as cancelled (partnerSuspendedEvent).
// Each change is audited.
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { z } from 'zod';
import type { Partner, PartnerClientCredential, Prisma } from '../../../generated/prisma/client';
import { parseCaBundle } from '../../../lib/exchange/partner-ca';
import type { PartnerKeyVault } from '../../../lib/exchange/partner-key-vault';
import { appError, badUserInput, notFound } from '../../../lib/graphql-errors';
import { isUuid, text } from '../../../lib/input';
import type { IdentityContext, IdentityDb } from '../context';
import { authorize } from '../services/access-guard';
import { recordAudit } from '../services/audit-service';
import { announceDirectoryChange, appendIdentityOutboxEvent } from '../services/outbox';
import { partnerSuspendedEvent } from '../events';
import { partnerNameOf, partnerNameStatuses, partnerNamesReader, type PartnerName } from './partner-names-rules';
import { authSettingsProblem, jwksText, jwksUrlText, type PartnerAuthSettings } from './partner-auth-rules';
import { aboutField } from '../../../lib/messages/message';
import { inputMessage } from '../../../lib/messages/input-issues';

const httpsUrl = z
  .string()
  .trim()
  .max(300)
  .refine(
    (v) => {
      try {
        const url = new URL(v);
        return url.protocol === 'https:' && !url.search && !url.hash && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    inputMessage({
      en: 'Give an https:// URL without query, fragment or credentials.',
      ja: 'クエリ、フラグメント、認証情報を含まない https:// の URL を指定してください。',
    }),
  )
  .transform((v) => v.replace(/\/+$/, ''));

/** An absolute URI (https://..., urn:..., oid ...): what FHIR identifier systems are. */
const uri = z
  .string()
  .trim()
  .max(300)
  .regex(
    /^(https?:\/\/[^\s]+|urn:[a-z0-9][a-z0-9-]{0,31}:[^\s]+)$/i,
    inputMessage({
      en: 'Give an absolute URI (https://... or urn:...).',
      ja: '絶対 URI（https://... または urn:...）を指定してください。',
    }),
  );

const fingerprint = z
  .string()
  .trim()
  .transform((v) => v.replace(/:/g, '').toLowerCase())
  .refine(
    (v) => /^[0-9a-f]{64}$/.test(v),
    inputMessage({
      en: 'Give a SHA-256 fingerprint (64 hex digits, colons allowed).',
      ja: 'SHA-256 のフィンガープリント（16進数64桁、コロン可）を指定してください。',
    }),
  );

const partnerFields = {
  name: text(200),
  fhirBaseUrl: httpsUrl,
  requesterSystem: uri,
  userSystem: uri,
  jwks: jwksText.optional().nullable(),
  certificateFingerprints: z.array(fingerprint).max(5).optional().nullable(),
  jwksUrl: jwksUrlText.optional().nullable(),
  inboundAuth: z.enum(['CONTRACT_JWT', 'SMART_BACKEND']).default('CONTRACT_JWT'),
  outboundAuth: z.enum(['JWT', 'MTLS', 'SMART_BACKEND']).default('JWT'),
  /** Contract v2: must its join Tasks carry a Consent? OPTIONAL keeps a v1 partner working. */
  consentInJoin: z.enum(['REQUIRED', 'OPTIONAL']).default('OPTIONAL'),
  /** Contract v2 push, our side: subscribe at the partner when it offers it; false forces polling only. */
  subscribeAtPartner: z.boolean().default(true),
  ourClientId: text(200).optional().nullable(),
  /** PEM CA certificate(s); checked against the clock in the service (checkCaCertificates). An empty text clears it. */
  caCertificates: z.string().max(60_000).optional().nullable(),
};

// How the partner and we authenticate is checked as a whole in the service (authSettingsProblem), after merging an update with what is stored.
export const registerPartnerInput = z.object(partnerFields).strict();

export const updatePartnerInput = z
  .object(Object.fromEntries(Object.entries(partnerFields).map(([k, v]) => [k, (v as z.ZodTypeAny).optional()])))
  .strict();

/** A JWK set is plain JSON; Prisma's input type just cannot see that through jose's JWK type. */
const toJson = (jwks: { keys: JWK[] }): Prisma.InputJsonValue =>
  JSON.parse(JSON.stringify(jwks)) as Prisma.InputJsonValue;

type RegisterInput = z.infer<typeof registerPartnerInput>;
type UpdateInput = Partial<RegisterInput>;

const noSuchPartner = {
  en: 'There is no such partner. Check the id.',
  ja: 'その他団体のシステムは登録されていません。ID を確認してください。',
};

/** The settings' one problem as the field's BAD_USER_INPUT, so nothing is written. */
function checkAuthSettings(settings: PartnerAuthSettings): void {
  const problem = authSettingsProblem(settings);
  if (problem) throw badUserInput(aboutField(`input.${problem.field}`, problem.message), `input.${problem.field}`);
}

/** Every key must import now, so a bad key fails at registration, not at the partner's first request. */
async function checkKeys(jwks: { keys: JWK[] } | null | undefined): Promise<void> {
  for (const key of jwks?.keys ?? []) {
    try {
      await importJWK(key, key.alg);
    } catch {
      throw badUserInput(
        { en: 'jwks: A key cannot be imported. Check it.', ja: 'jwks: 読み込めない鍵があります。確認してください。' },
        'jwks',
      );
    }
  }
}

/** The CA text as stored (one PEM per certificate), or the field's clear error. Empty text: no private CA. */
function checkCaCertificates(value: string | null | undefined, now: Date): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (value.trim() === '') return [];
  const parsed = parseCaBundle(value, now);
  // The bundle's problem (X.509 detail, shared with the worker's start-up checks) stays in English inside the Japanese.
  if (!parsed.ok)
    throw badUserInput(
      {
        en: `caCertificates: ${parsed.problem.charAt(0).toUpperCase()}${parsed.problem.slice(1)}.`,
        ja: `caCertificates: CA 証明書として使えません（${parsed.problem}）。`,
      },
      'caCertificates',
    );
  return parsed.certificates.map((c) => c.pem);
}

/** Where the client keys are sealed; a process without it cannot register mTLS partners. */
function vaultOf(ctx: IdentityContext): PartnerKeyVault {
  if (!ctx.partnerKeys)
    throw appError('SERVICE_RESTRICTED', {
      en: 'This process cannot keep partner client keys (no CA_DIR key-encryption key). Ask the system administrator to configure CA_DIR.',
      ja: 'このプロセスは他団体のシステム用のクライアント鍵を保管できません（CA_DIR の鍵暗号化鍵がありません）。システム管理者に CA_DIR の設定を依頼してください。',
    });
  return ctx.partnerKeys;
}

/** The sealed key's context: binds it to its partner and credential (lib/exchange/partner-key-vault.ts). */
const sealContext = (partnerId: string, credentialId: string) => `partner-client-key|${partnerId}|${credentialId}`;

/**
 * Our client certificate for calling one partner with mutual TLS: a fresh
 * key pair and a certificate from our network CA (clientAuth, CN naming the
 * partner it is for), so that each partner holds a credential of its own and
 * one can be replaced without touching the others. The partner trusts it by
 * our CA certificate or by its fingerprint (both in exchangeIdentity). The
 * key is sealed before it is written; any current credential is retired in
 * the same transaction.
 */
async function issueClientCredential(
  ctx: IdentityContext,
  tx: Prisma.TransactionClient,
  partnerId: string,
  actorId: string,
  vault: PartnerKeyVault,
): Promise<PartnerClientCredential> {
  const issued = ctx.ca.issueClientCertificate({
    commonName: `renkei-exchange:${partnerId}`,
    organization: 'Renkei partner exchange',
    passphrase: randomBytes(18).toString('base64url'),
  });
  const id = randomUUID();
  await tx.partnerClientCredential.updateMany({
    where: { partnerId, retiredAt: null },
    data: { retiredAt: ctx.now() },
  });
  const credential = await tx.partnerClientCredential.create({
    data: {
      id,
      partnerId,
      // Normalized (forge writes CRLF): what the graph shows is byte for byte what the requester side presents.
      certificatePem: new X509Certificate(issued.certificatePem).toString(),
      fingerprint: issued.fingerprint,
      notAfter: issued.notAfter,
      sealedKey: vault.seal(issued.keyPem, sealContext(partnerId, id)),
      createdBy: actorId,
    },
  });
  await recordAudit(tx, ctx.principal, {
    action: 'partner.client-certificate.issue',
    outcome: 'SUCCESS',
    targetType: 'Partner',
    targetId: partnerId,
    details: { fingerprint: issued.fingerprint },
  });
  return credential;
}

export async function registerPartner(ctx: IdentityContext, input: RegisterInput): Promise<Partner> {
  const actor = await authorize(ctx, 'partner.manage', { type: 'Partner' });
  await checkKeys(input.jwks);
  const jwksUrl = input.jwksUrl ? input.jwksUrl : null;
  checkAuthSettings({
    inboundAuth: input.inboundAuth,
    jwks: input.jwks ?? { keys: [] },
    jwksUrl,
    certificateFingerprints: input.certificateFingerprints ?? [],
    outboundAuth: input.outboundAuth,
    ourClientId: input.ourClientId ?? null,
  });
  const caCertificates = checkCaCertificates(input.caCertificates, ctx.now()) ?? [];
  const vault = input.outboundAuth === 'MTLS' ? vaultOf(ctx) : undefined;
  return ctx.db.$transaction(async (tx) => {
    const partner = await tx.partner.create({
      data: {
        id: randomUUID(),
        name: input.name,
        fhirBaseUrl: input.fhirBaseUrl,
        requesterSystem: input.requesterSystem,
        userSystem: input.userSystem,
        jwks: toJson(input.jwks ?? { keys: [] }),
        certificateFingerprints: input.certificateFingerprints ?? [],
        jwksUrl,
        inboundAuth: input.inboundAuth,
        outboundAuth: input.outboundAuth,
        consentInJoin: input.consentInJoin,
        subscribeAtPartner: input.subscribeAtPartner,
        ourClientId: input.ourClientId ?? null,
        caCertificates,
        createdBy: actor.userId,
        statusChangedBy: actor.userId,
        statusChangedAt: ctx.now(),
      },
    });
    await recordAudit(tx, ctx.principal, {
      action: 'partner.register',
      outcome: 'SUCCESS',
      targetType: 'Partner',
      targetId: partner.id,
    });
    if (vault) await issueClientCredential(ctx, tx, partner.id, actor.userId, vault);
    await announceDirectoryChange(tx, { partnerId: partner.id });
    return partner;
  });
}

export async function updatePartner(ctx: IdentityContext, id: string, input: UpdateInput): Promise<Partner> {
  const actor = await authorize(ctx, 'partner.manage', { type: 'Partner', id });
  const existing = await ctx.db.partner.findUnique({ where: { id } });
  if (!existing) throw notFound(noSuchPartner);
  await checkKeys(input.jwks);
  const caCertificates = checkCaCertificates(input.caCertificates, ctx.now());
  // Switching to mutual TLS needs our client certificate for this partner: issued now unless one is current.
  const needsCredential =
    input.outboundAuth === 'MTLS' &&
    (await ctx.db.partnerClientCredential.count({ where: { partnerId: id, retiredAt: null } })) === 0;
  const vault = needsCredential ? vaultOf(ctx) : undefined;
  const jwks = input.jwks === undefined ? (existing.jwks as unknown as { keys: JWK[] }) : (input.jwks ?? { keys: [] });
  const fingerprints =
    input.certificateFingerprints === undefined
      ? existing.certificateFingerprints
      : (input.certificateFingerprints ?? []);
  // An empty jwksUrl removes it.
  const jwksUrl = input.jwksUrl === undefined ? existing.jwksUrl : input.jwksUrl ? input.jwksUrl : null;
  checkAuthSettings({
    inboundAuth: input.inboundAuth ?? existing.inboundAuth,
    jwks,
    jwksUrl,
    certificateFingerprints: fingerprints,
    outboundAuth: input.outboundAuth ?? existing.outboundAuth,
    ourClientId: input.ourClientId === undefined ? existing.ourClientId : (input.ourClientId ?? null),
  });
  const changed = Object.keys(input)
    .filter((k) => (input as Record<string, unknown>)[k] !== undefined)
    .sort();
  if (changed.length === 0)
    throw appError('CONFLICT', {
      en: 'Nothing would change. Give at least one new value.',
      ja: '変更する内容がありません。新しい値を1つ以上指定してください。',
    });
  return ctx.db.$transaction(async (tx) => {
    const partner = await tx.partner.update({
      where: { id },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.fhirBaseUrl !== undefined ? { fhirBaseUrl: input.fhirBaseUrl } : {}),
        ...(input.requesterSystem !== undefined ? { requesterSystem: input.requesterSystem } : {}),
        ...(input.userSystem !== undefined ? { userSystem: input.userSystem } : {}),
        ...(input.outboundAuth !== undefined ? { outboundAuth: input.outboundAuth } : {}),
        ...(input.inboundAuth !== undefined ? { inboundAuth: input.inboundAuth } : {}),
        ...(input.consentInJoin !== undefined ? { consentInJoin: input.consentInJoin } : {}),
        ...(input.subscribeAtPartner !== undefined ? { subscribeAtPartner: input.subscribeAtPartner } : {}),
        jwksUrl,
        ...(input.ourClientId !== undefined ? { ourClientId: input.ourClientId } : {}),
        ...(caCertificates !== undefined ? { caCertificates } : {}),
        jwks: toJson(jwks),
        certificateFingerprints: fingerprints,
      },
    });
    await recordAudit(tx, ctx.principal, {
      action: 'partner.update',
      outcome: 'SUCCESS',
      targetType: 'Partner',
      targetId: id,
      details: { fields: changed.join(',') },
    });
    if (vault) await issueClientCredential(ctx, tx, id, actor.userId, vault);
    return partner;
  });
}

/**
 * A new client certificate for a partner we call with mutual TLS (the current
 * one expires, or its key may have leaked): the old one is retired at once,
 * so give the partner the new certificate (or have it trust our CA) first.
 */
export async function renewPartnerClientCertificate(ctx: IdentityContext, id: string): Promise<Partner> {
  const actor = await authorize(ctx, 'partner.manage', { type: 'Partner', id });
  const existing = await ctx.db.partner.findUnique({ where: { id } });
  if (!existing) throw notFound(noSuchPartner);
  if (existing.outboundAuth !== 'MTLS')
    throw appError('CONFLICT', {
      en: 'We call this partner with JWTs. Set outboundAuth to MTLS first.',
      ja: 'この他団体のシステムへは JWT で接続しています。先に outboundAuth を MTLS にしてください。',
    });
  const vault = vaultOf(ctx);
  await ctx.db.$transaction((tx) => issueClientCredential(ctx, tx, id, actor.userId, vault));
  return existing;
}

/** The certificate (never the key) we present to this partner, if it is one we call with mutual TLS. */
export function currentClientCertificate(
  db: Pick<IdentityDb, 'partnerClientCredential'>,
  partnerId: string,
): Promise<PartnerClientCredential | null> {
  return db.partnerClientCredential.findFirst({
    where: { partnerId, retiredAt: null },
    orderBy: { createdAt: 'desc' },
  });
}

async function setStatus(
  ctx: IdentityContext,
  id: string,
  status: 'ACTIVE' | 'SUSPENDED',
  reason: string,
): Promise<Partner> {
  const actor = await authorize(ctx, 'partner.manage', { type: 'Partner', id });
  const existing = await ctx.db.partner.findUnique({ where: { id } });
  if (!existing) throw notFound(noSuchPartner);
  if (existing.status === status)
    throw appError(
      'ILLEGAL_TRANSITION',
      status === 'ACTIVE'
        ? { en: 'The partner is already active.', ja: 'この他団体のシステムはすでに有効です。' }
        : { en: 'The partner is already suspended.', ja: 'この他団体のシステムはすでに停止されています。' },
    );
  return ctx.db.$transaction(async (tx) => {
    const partner = await tx.partner.update({
      where: { id },
      data: { status, statusReason: reason, statusChangedBy: actor.userId, statusChangedAt: ctx.now() },
    });
    await recordAudit(tx, ctx.principal, {
      action: status === 'SUSPENDED' ? 'partner.suspend' : 'partner.reactivate',
      outcome: 'SUCCESS',
      targetType: 'Partner',
      targetId: id,
    });
    await announceDirectoryChange(tx, { partnerId: id });
    if (status === 'SUSPENDED') await appendIdentityOutboxEvent(tx, partnerSuspendedEvent, { partnerId: id });
    return partner;
  });
}

export const suspendPartner = (ctx: IdentityContext, id: string, reason: string) =>
  setStatus(ctx, id, 'SUSPENDED', reason);
export const reactivatePartner = (ctx: IdentityContext, id: string, reason: string) =>
  setStatus(ctx, id, 'ACTIVE', reason);

export async function listPartners(ctx: IdentityContext): Promise<Partner[]> {
  await authorize(ctx, 'partner.manage', { type: 'Partner' });
  return ctx.db.partner.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

/**
 * Partners' names for anyone signed in (partner-names-rules): id, name and whether active, by name.
 * Only those three columns are read, so nothing else of the registry can leave through this path.
 */
export async function listPartnerNames(ctx: IdentityContext, includeSuspended: boolean): Promise<PartnerName[]> {
  partnerNamesReader(ctx.principal);
  const rows = await ctx.db.partner.findMany({
    where: { status: { in: partnerNameStatuses(includeSuspended) } },
    select: { id: true, name: true, status: true },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  return rows.map(partnerNameOf);
}

export async function getPartner(ctx: IdentityContext, id: string): Promise<Partner | null> {
  await authorize(ctx, 'partner.manage', { type: 'Partner', id });
  return ctx.db.partner.findUnique({ where: { id } });
}

/** What the exchange adapters need to know about a partner. */
export interface ExchangePartner {
  id: string;
  name: string;
  fhirBaseUrl: string;
  requesterSystem: string;
  userSystem: string;
  jwks: { keys: JWK[] };
  certificateFingerprints: string[];
  /** Where the partner publishes its keys (used instead of jwks when set). */
  jwksUrl: string | null;
  /** The partner's CA certificates (PEM; public): trusted for its JWKS URL as for calls to it. Empty: the default trust. */
  caCertificates: string[];
  /** How its bearer tokens are checked: contract v1's direct JWT, or our SMART access tokens. */
  inboundAuth: 'CONTRACT_JWT' | 'SMART_BACKEND';
  outboundAuth: 'JWT' | 'MTLS' | 'SMART_BACKEND';
  /** The id this partner registered us under: iss = sub of our JWTs to it. */
  ourClientId: string | null;
  /** Contract v2: REQUIRED refuses its join Tasks without a valid contained Consent. */
  consentInJoin: 'REQUIRED' | 'OPTIONAL';
  /** Contract v2 push, our side: subscribe at it when it offers push (false: polling only). */
  subscribeAtPartner: boolean;
}

/**
 * The partner if traffic with it is allowed now (both directions), else null:
 * unknown, malformed id or SUSPENDED. Read fresh on every call (no cache), so a
 * suspension takes effect on the next request or job.
 */
export async function findPartnerForExchange(
  db: Pick<IdentityDb, 'partner'>,
  partnerId: string,
): Promise<ExchangePartner | null> {
  if (!isUuid(partnerId)) return null;
  const partner = await db.partner.findUnique({ where: { id: partnerId } });
  return partner && partner.status === 'ACTIVE' ? exchangeView(partner) : null;
}

/**
 * When the partner's current suspension began, or null when it is not
 * suspended (or unknown): a job acting on a suspension re-reads it, so a late
 * job does nothing once the partner has been reactivated.
 */
export async function suspendedSince(db: Pick<IdentityDb, 'partner'>, partnerId: string): Promise<Date | null> {
  const partner = await db.partner.findUnique({
    where: { id: partnerId },
    select: { status: true, statusChangedAt: true },
  });
  return partner?.status === 'SUSPENDED' ? partner.statusChangedAt : null;
}

/** The ACTIVE partner that registered this client certificate (SHA-256, lowercase hex), else null. */
export async function findPartnerByCertificate(
  db: Pick<IdentityDb, 'partner'>,
  fingerprint: string,
): Promise<ExchangePartner | null> {
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) return null;
  const partners = await db.partner.findMany({
    where: { status: 'ACTIVE', certificateFingerprints: { has: fingerprint } },
    take: 2,
  });
  // A fingerprint registered for two partners identifies neither.
  return partners.length === 1 && partners[0] ? exchangeView(partners[0]) : null;
}

function exchangeView(partner: Partner): ExchangePartner {
  return {
    id: partner.id,
    name: partner.name,
    fhirBaseUrl: partner.fhirBaseUrl,
    requesterSystem: partner.requesterSystem,
    userSystem: partner.userSystem,
    jwks: partner.jwks as unknown as { keys: JWK[] },
    certificateFingerprints: partner.certificateFingerprints,
    jwksUrl: partner.jwksUrl,
    caCertificates: partner.caCertificates,
    inboundAuth: partner.inboundAuth,
    outboundAuth: partner.outboundAuth,
    ourClientId: partner.ourClientId,
    consentInJoin: partner.consentInJoin,
    subscribeAtPartner: partner.subscribeAtPartner,
  };
}

/** How to reach one partner at the transport level: whom to trust, and the client certificate to present. */
export interface PartnerTransport {
  /** The partner's registered CA certificates (PEM); empty: fall back to PARTNER_CA_FILES, else the system's CAs. */
  caPems: string[];
  /** Present only for a partner we call with mutual TLS that has a current credential. */
  clientCertificate?: { certPem: string; keyPem: string; fingerprint: string; notAfter: Date };
}

export interface PartnerTransportDeps {
  db: Pick<IdentityDb, 'partner' | 'partnerClientCredential'>;
  /** The vault the keys were sealed with (openPartnerKeyVault(CA_DIR) in every process that calls partners). */
  partnerKeys: PartnerKeyVault;
}

/**
 * For the requester side, once per call: the partner's trust anchors and our
 * client certificate for it, read fresh so a change in the registry applies
 * to the next call without a restart. Null for an unknown or suspended
 * partner (as findPartnerForExchange). A partner registered with
 * outboundAuth MTLS whose credential is missing answers no clientCertificate:
 * the caller must then refuse to call (an operator fixes it with
 * renewPartnerClientCertificate). Throws when a sealed key cannot be opened
 * (the KEK in CA_DIR is not the one it was sealed with): an operator problem,
 * never a reason to call without the certificate.
 */
export async function partnerTransport(
  deps: PartnerTransportDeps,
  partnerId: string,
): Promise<PartnerTransport | null> {
  if (!isUuid(partnerId)) return null;
  const partner = await deps.db.partner.findUnique({ where: { id: partnerId } });
  if (!partner || partner.status !== 'ACTIVE') return null;
  const transport: PartnerTransport = { caPems: [...partner.caCertificates] };
  if (partner.outboundAuth !== 'MTLS') return transport;
  const credential = await currentClientCertificate(deps.db, partnerId);
  if (!credential) return transport;
  const keyPem = deps.partnerKeys.open(credential.sealedKey, sealContext(partnerId, credential.id));
  return {
    ...transport,
    clientCertificate: {
      certPem: credential.certificatePem,
      keyPem,
      fingerprint: credential.fingerprint,
      notAfter: credential.notAfter,
    },
  };
}
