// The partner registry (Art. 20-2, 20-3): partner systems the network
// exchanges with, registered and suspended by the system admin alone
// ('partner.manage'). A partner authenticates to us with a JWT signed by a
// key of its registered JWK set, or (where TLS lets its certificate reach us)
// a registered certificate fingerprint; we authenticate to it with our
// exchange key (lib/exchange). Suspending a partner stops all traffic both
// ways at once: every exchange path asks findPartnerForExchange, which
// answers null for a suspended partner. Each change is audited.
import { randomUUID } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { z } from 'zod';
import type { Partner, Prisma } from '../../../generated/prisma/client';
import { appError, badUserInput, notFound } from '../../../lib/graphql-errors';
import { text } from '../../../lib/input';
import type { IdentityContext, IdentityDb } from '../context';
import { authorize } from './access-guard';
import { recordAudit } from './audit-service';
import { announceDirectoryChange } from './outbox';

const httpsUrl = z
  .string()
  .trim()
  .max(300, 'must be at most 300 characters')
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === 'https:' && !url.search && !url.hash && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an https:// URL without query, fragment or credentials')
  .transform((v) => v.replace(/\/+$/, ''));

/** An absolute URI (https://..., urn:..., oid ...): what FHIR identifier systems are. */
const uri = z
  .string()
  .trim()
  .max(300, 'must be at most 300 characters')
  .regex(/^(https?:\/\/[^\s]+|urn:[a-z0-9][a-z0-9-]{0,31}:[^\s]+)$/i, 'must be an absolute URI (https://... or urn:...)');

const fingerprint = z
  .string()
  .trim()
  .transform((v) => v.replace(/:/g, '').toLowerCase())
  .refine((v) => /^[0-9a-f]{64}$/.test(v), 'must be a SHA-256 fingerprint (64 hex digits, colons allowed)');

/** A JWK set as JSON text: 1-5 public keys, Ed25519 (OKP) or P-256 (EC). */
const jwksText = z
  .string()
  .max(20_000, 'is too long')
  .transform((value, ctx) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON JWK set ({"keys": [...]})' });
      return z.NEVER;
    }
    const keys = (parsed as { keys?: unknown })?.keys;
    if (!Array.isArray(keys) || keys.length < 1 || keys.length > 5) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JWK set with 1 to 5 keys' });
      return z.NEVER;
    }
    const cleaned: JWK[] = [];
    for (const key of keys as Array<Record<string, unknown>>) {
      if (typeof key !== 'object' || key === null || 'd' in key || 'p' in key || 'k' in key) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must hold public keys only (never a private or symmetric key)' });
        return z.NEVER;
      }
      const okp = key.kty === 'OKP' && key.crv === 'Ed25519' && typeof key.x === 'string';
      const ec = key.kty === 'EC' && key.crv === 'P-256' && typeof key.x === 'string' && typeof key.y === 'string';
      if (!okp && !ec) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'keys must be Ed25519 (kty OKP) or P-256 (kty EC) public keys' });
        return z.NEVER;
      }
      const { kty, crv, x, y, kid } = key as Record<string, string>;
      cleaned.push({ kty, crv, x, ...(y ? { y } : {}), ...(kid ? { kid } : {}), alg: okp ? 'EdDSA' : 'ES256', use: 'sig' } as JWK);
    }
    return { keys: cleaned };
  });

const partnerFields = {
  name: text(200),
  fhirBaseUrl: httpsUrl,
  requesterSystem: uri,
  userSystem: uri,
  jwks: jwksText.optional().nullable(),
  certificateFingerprints: z.array(fingerprint).max(5, 'at most 5 fingerprints').optional().nullable(),
  outboundAuth: z.enum(['JWT', 'MTLS']).default('JWT'),
  ourClientId: text(200).optional().nullable(),
};

export const registerPartnerInput = z
  .object(partnerFields)
  .strict()
  // Zod runs this even after a field failed (the value is then not what its type says), so it checks shapes.
  .refine((v) => (Array.isArray(v.jwks?.keys) && v.jwks.keys.length > 0) || (Array.isArray(v.certificateFingerprints) && v.certificateFingerprints.length > 0), {
    message: 'give the partner a JWK set or a certificate fingerprint: how else would it authenticate?',
    path: ['jwks'],
  });

export const updatePartnerInput = z.object(Object.fromEntries(Object.entries(partnerFields).map(([k, v]) => [k, (v as z.ZodTypeAny).optional()]))).strict();

/** A JWK set is plain JSON; Prisma's input type just cannot see that through jose's JWK type. */
const toJson = (jwks: { keys: JWK[] }): Prisma.InputJsonValue => JSON.parse(JSON.stringify(jwks)) as Prisma.InputJsonValue;

type RegisterInput = z.infer<typeof registerPartnerInput>;
type UpdateInput = Partial<RegisterInput>;

/** Every key must import now, so a bad key fails at registration, not at the partner's first request. */
async function checkKeys(jwks: { keys: JWK[] } | null | undefined): Promise<void> {
  for (const key of jwks?.keys ?? []) {
    try {
      await importJWK(key, key.alg);
    } catch {
      throw badUserInput('jwks: a key cannot be imported', 'jwks');
    }
  }
}

export async function registerPartner(ctx: IdentityContext, input: RegisterInput): Promise<Partner> {
  const actor = await authorize(ctx, 'partner.manage', { type: 'Partner' });
  await checkKeys(input.jwks);
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
        outboundAuth: input.outboundAuth,
        ourClientId: input.ourClientId ?? null,
        createdBy: actor.userId,
        statusChangedBy: actor.userId,
        statusChangedAt: ctx.now(),
      },
    });
    await recordAudit(tx, ctx.principal, { action: 'partner.register', outcome: 'SUCCESS', targetType: 'Partner', targetId: partner.id });
    await announceDirectoryChange(tx, { partnerId: partner.id });
    return partner;
  });
}

export async function updatePartner(ctx: IdentityContext, id: string, input: UpdateInput): Promise<Partner> {
  await authorize(ctx, 'partner.manage', { type: 'Partner', id });
  const existing = await ctx.db.partner.findUnique({ where: { id } });
  if (!existing) throw notFound('no such partner');
  await checkKeys(input.jwks);
  const jwks = input.jwks === undefined ? (existing.jwks as unknown as { keys: JWK[] }) : (input.jwks ?? { keys: [] });
  const fingerprints = input.certificateFingerprints === undefined ? existing.certificateFingerprints : (input.certificateFingerprints ?? []);
  if (jwks.keys.length === 0 && fingerprints.length === 0) throw badUserInput('jwks: the partner would have no way to authenticate', 'jwks');
  const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined).sort();
  if (changed.length === 0) throw appError('CONFLICT', 'nothing to change');
  return ctx.db.$transaction(async (tx) => {
    const partner = await tx.partner.update({
      where: { id },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.fhirBaseUrl !== undefined ? { fhirBaseUrl: input.fhirBaseUrl } : {}),
        ...(input.requesterSystem !== undefined ? { requesterSystem: input.requesterSystem } : {}),
        ...(input.userSystem !== undefined ? { userSystem: input.userSystem } : {}),
        ...(input.outboundAuth !== undefined ? { outboundAuth: input.outboundAuth } : {}),
        ...(input.ourClientId !== undefined ? { ourClientId: input.ourClientId } : {}),
        jwks: toJson(jwks),
        certificateFingerprints: fingerprints,
      },
    });
    await recordAudit(tx, ctx.principal, { action: 'partner.update', outcome: 'SUCCESS', targetType: 'Partner', targetId: id, details: { fields: changed.join(',') } });
    return partner;
  });
}

async function setStatus(ctx: IdentityContext, id: string, status: 'ACTIVE' | 'SUSPENDED', reason: string): Promise<Partner> {
  const actor = await authorize(ctx, 'partner.manage', { type: 'Partner', id });
  const existing = await ctx.db.partner.findUnique({ where: { id } });
  if (!existing) throw notFound('no such partner');
  if (existing.status === status) throw appError('ILLEGAL_TRANSITION', `the partner is already ${status.toLowerCase()}`);
  return ctx.db.$transaction(async (tx) => {
    const partner = await tx.partner.update({ where: { id }, data: { status, statusReason: reason, statusChangedBy: actor.userId, statusChangedAt: ctx.now() } });
    await recordAudit(tx, ctx.principal, { action: status === 'SUSPENDED' ? 'partner.suspend' : 'partner.reactivate', outcome: 'SUCCESS', targetType: 'Partner', targetId: id });
    await announceDirectoryChange(tx, { partnerId: id });
    return partner;
  });
}

export const suspendPartner = (ctx: IdentityContext, id: string, reason: string) => setStatus(ctx, id, 'SUSPENDED', reason);
export const reactivatePartner = (ctx: IdentityContext, id: string, reason: string) => setStatus(ctx, id, 'ACTIVE', reason);

export async function listPartners(ctx: IdentityContext): Promise<Partner[]> {
  await authorize(ctx, 'partner.manage', { type: 'Partner' });
  return ctx.db.partner.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] });
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
  outboundAuth: 'JWT' | 'MTLS';
  /** The id this partner registered us under: iss = sub of our JWTs to it. */
  ourClientId: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The partner if traffic with it is allowed now (both directions), else null:
 * unknown, malformed id or SUSPENDED. Read fresh on every call (no cache), so a
 * suspension takes effect on the next request or job.
 */
export async function findPartnerForExchange(db: Pick<IdentityDb, 'partner'>, partnerId: string): Promise<ExchangePartner | null> {
  if (!uuidPattern.test(partnerId)) return null;
  const partner = await db.partner.findUnique({ where: { id: partnerId } });
  return partner && partner.status === 'ACTIVE' ? exchangeView(partner) : null;
}

/** The ACTIVE partner that registered this client certificate (SHA-256, lowercase hex), else null. */
export async function findPartnerByCertificate(db: Pick<IdentityDb, 'partner'>, fingerprint: string): Promise<ExchangePartner | null> {
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) return null;
  const partners = await db.partner.findMany({ where: { status: 'ACTIVE', certificateFingerprints: { has: fingerprint } }, take: 2 });
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
    outboundAuth: partner.outboundAuth,
    ourClientId: partner.ourClientId,
  };
}
