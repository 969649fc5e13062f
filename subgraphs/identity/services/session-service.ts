// Signing in (appendix 2): account ID + password, from a terminal whose
// certificate the network issued, for the user's own facility. Unknown
// account, wrong password, locked, suspended, retired or stopped facility
// all get one answer so the response tells an attacker nothing; the audit
// row says which it was. Sessions are random tokens stored as hashes,
// bound to the certificate they were created with.
import { randomUUID } from 'node:crypto';
import type { Session, User } from '../../../generated/prisma/client';
import type { Principal, Role, UserPrincipal } from '../../../lib/access/principal';
import { appError } from '../../../lib/graphql-errors';
import type { IdentityContext, IdentityDependencies } from '../context';
import { afterFailedSignIn, afterSuccessfulSignIn, isLocked, signInRefusal } from '../domain/lockout-rules';
import { isPasswordExpired } from '../domain/password-policy';
import { normalizeAccountId } from '../domain/account-credentials';
import { hashSessionToken, newSessionToken, sessionExpiresAt, sessionState } from '../domain/session-rules';
import { recordAudit, recordAuditAlone } from './audit-service';
import { dummyVerify, verifyPassword } from './password-hasher';

export interface SignInResult {
  token: string;
  expiresAt: Date;
  mustChangePassword: boolean;
}

/** Why a certificate cannot be used now, or null when it can. */
type CertificateRecord = Awaited<ReturnType<IdentityDependencies['db']['clientCertificate']['findUnique']>>;

function findCertificate(deps: IdentityDependencies, certificate: string | null): Promise<CertificateRecord> {
  return certificate === null
    ? Promise.resolve(null)
    : deps.db.clientCertificate.findUnique({ where: { fingerprint: certificate } });
}

async function certificateProblem(
  deps: IdentityDependencies,
  certificate: string | null,
  facilityId: string,
  found?: CertificateRecord,
): Promise<string | null> {
  if (certificate === null) return deps.settings.clientCertificateRequired ? 'no-certificate' : null;
  const record = found !== undefined ? found : await findCertificate(deps, certificate);
  if (!record) return 'unknown-certificate';
  if (record.revokedAt) return 'revoked-certificate';
  if (record.notAfter <= deps.now()) return 'expired-certificate';
  if (record.facilityId !== facilityId) return 'other-facility-certificate';
  return null;
}

function refuse(): never {
  throw appError('UNAUTHENTICATED', signInRefusal);
}

export async function signIn(ctx: IdentityContext, accountIdInput: string, password: string): Promise<SignInResult> {
  const principal = ctx.principal;
  if (principal.kind !== 'anonymous')
    throw appError('CONFLICT', {
      en: 'Sign out before signing in again.',
      ja: 'もう一度サインインする前にサインアウトしてください。',
    });
  const now = ctx.now();
  const accountId = normalizeAccountId(accountIdInput);
  const user = await ctx.db.user.findUnique({ where: { accountId }, include: { facility: true } });
  const fail = async (reason: string, actorId?: string): Promise<never> => {
    // The audit reason comes from the fixed list below: a bounded label, with no one's id.
    ctx.metrics?.signInFailures.inc({ reason });
    if (reason === 'wrong-password-now-locked') ctx.metrics?.accountLockouts.inc({ via: 'sign_in' });
    await recordAuditAlone(ctx.db, principal, {
      action: 'session.signIn',
      outcome: 'FAILURE',
      actorId,
      targetType: 'User',
      targetId: actorId ?? null,
      details: { reason },
    });
    refuse();
  };
  if (!user) {
    await dummyVerify(password);
    return fail('unknown-account');
  }
  // The attempt is counted as a failure before the password is checked
  // (compare-and-set, retried on a concurrent change) and cleared on
  // success: guesses sent in parallel cannot outrun the lock, because the
  // attempt that reaches the limit locks the account before any later one
  // is checked.
  let state = { failedCount: user.failedSignIns, lockedUntil: user.lockedUntil };
  let reserved: typeof state | null = null;
  for (let attempt = 0; attempt < 20 && reserved === null; attempt += 1) {
    if (isLocked(state, now)) {
      await dummyVerify(password);
      return fail('locked', user.id);
    }
    const next = afterFailedSignIn(state, now, ctx.settings.lockoutRules);
    const written = await ctx.db.user.updateMany({
      where: { id: user.id, failedSignIns: state.failedCount, lockedUntil: state.lockedUntil },
      data: { failedSignIns: next.failedCount, lockedUntil: next.lockedUntil },
    });
    if (written.count === 1) reserved = next;
    else {
      const fresh = await ctx.db.user.findUniqueOrThrow({
        where: { id: user.id },
        select: { failedSignIns: true, lockedUntil: true },
      });
      state = { failedCount: fresh.failedSignIns, lockedUntil: fresh.lockedUntil };
    }
  }
  if (reserved === null) {
    await dummyVerify(password);
    return fail('contended', user.id);
  }
  if (!(await verifyPassword(user.passwordHash, password))) {
    return fail(reserved.lockedUntil !== null ? 'wrong-password-now-locked' : 'wrong-password', user.id);
  }
  if (user.status !== 'ACTIVE') return fail(`account-${user.status.toLowerCase()}`, user.id);
  if (user.facility.status !== 'ACTIVE') return fail('facility-stopped', user.id);
  const problem = await certificateProblem(ctx, principal.certificate, user.facilityId);
  if (problem) return fail(problem, user.id);

  const token = newSessionToken();
  const mustChangePassword =
    user.mustChangePassword || isPasswordExpired(user.passwordChangedAt, now, ctx.settings.passwordPolicy);
  const session = await ctx.db.$transaction(async (tx) => {
    const cleared = afterSuccessfulSignIn();
    await tx.user.update({
      where: { id: user.id },
      data: {
        failedSignIns: cleared.failedCount,
        lockedUntil: cleared.lockedUntil,
        lastActiveAt: now,
        mustChangePassword,
      },
    });
    const created = await tx.session.create({
      data: {
        id: randomUUID(),
        tokenHash: hashSessionToken(token),
        userId: user.id,
        certificate: principal.certificate,
        address: principal.address,
        createdAt: now,
        lastSeenAt: now,
      },
    });
    await recordAudit(tx, principal, {
      action: 'session.signIn',
      outcome: 'SUCCESS',
      actorId: user.id,
      targetType: 'Session',
      targetId: created.id,
    });
    return created;
  });
  return { token, expiresAt: sessionExpiresAt(session, ctx.settings.sessionRules), mustChangePassword };
}

export type SessionResolution = { ok: true; principal: UserPrincipal; expiresAt: Date } | { ok: false; reason: string };

/**
 * The gateway asks this on every request that carries a session token.
 * Suspension, retirement, a stopped facility, a revoked certificate or an
 * ended session take effect here, on the very next request.
 */
export async function resolveSession(
  deps: IdentityDependencies,
  token: string,
  certificate: string | null,
  address: string | null,
): Promise<SessionResolution> {
  const now = deps.now();
  // Every request comes through here: the certificate is looked up alongside the session, not after it.
  const [session, certificateRecord] = await Promise.all([
    findSessionForRequest(deps.db, hashSessionToken(token)),
    findCertificate(deps, certificate),
  ]);
  if (!session) return { ok: false, reason: 'unknown-session' };
  const state = sessionState(session, now, deps.settings.sessionRules);
  if (state !== 'active') {
    if (state !== 'ended') await endSession(deps.db, session, state, now);
    // Why it ended (revoked certificate, suspension, password change, …) tells the caller what to do next.
    return { ok: false, reason: state === 'ended' ? (session.endReason ?? 'ended') : state };
  }
  if (session.certificate !== certificate) return { ok: false, reason: 'certificate-mismatch' };
  const { user } = session;
  const problem =
    user.status !== 'ACTIVE'
      ? `account-${user.status.toLowerCase()}`
      : user.facility.status !== 'ACTIVE'
        ? 'facility-stopped'
        : await certificateProblem(deps, certificate, user.facilityId, certificateRecord);
  if (problem) {
    await endSession(deps.db, session, problem, now);
    return { ok: false, reason: problem };
  }
  // Touch at most once a minute: idle expiry needs minutes, not every request.
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
    await deps.db.$transaction([
      deps.db.session.update({ where: { id: session.id }, data: { lastSeenAt: now } }),
      deps.db.user.update({ where: { id: user.id }, data: { lastActiveAt: now } }),
    ]);
  }
  return {
    ok: true,
    expiresAt: sessionExpiresAt({ ...session, lastSeenAt: now }, deps.settings.sessionRules),
    principal: {
      kind: 'user',
      userId: user.id,
      role: user.role,
      facilityId: user.facilityId,
      orgUnitId: user.orgUnitId,
      sessionId: session.id,
      mustChangePassword: user.mustChangePassword,
      certificate,
      address,
    },
  };
}

interface SessionForRequest {
  id: string;
  userId: string;
  certificate: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  user: {
    id: string;
    status: string;
    facilityId: string;
    role: Role;
    orgUnitId: string | null;
    mustChangePassword: boolean;
    facility: { status: string };
  };
}

/**
 * The session, its user and the user's facility in one statement: this runs
 * on every request, and Prisma's `include` would send one query per relation
 * (measured with npm run bench: the session check is most of the gateway's
 * added latency).
 */
async function findSessionForRequest(
  db: IdentityDependencies['db'],
  tokenHash: string,
): Promise<SessionForRequest | null> {
  const rows = await db.$queryRaw<
    Array<{
      id: string;
      user_id: string;
      certificate: string | null;
      created_at: Date;
      last_seen_at: Date;
      ended_at: Date | null;
      end_reason: string | null;
      user_status: string;
      facility_id: string;
      role: Role;
      org_unit_id: string | null;
      must_change_password: boolean;
      facility_status: string;
    }>
  >`
    SELECT s.id::text, s.user_id::text, s.certificate, s.created_at, s.last_seen_at, s.ended_at, s.end_reason,
           u.status::text AS user_status, u.facility_id::text, u.role::text AS role, u.org_unit_id::text, u.must_change_password,
           f.status::text AS facility_status
    FROM identity.session s
    JOIN identity."user" u ON u.id = s.user_id
    JOIN identity.facility f ON f.id = u.facility_id
    WHERE s.token_hash = ${tokenHash}`;
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    userId: row.user_id,
    certificate: row.certificate,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    user: {
      id: row.user_id,
      status: row.user_status,
      facilityId: row.facility_id,
      role: row.role,
      orgUnitId: row.org_unit_id,
      mustChangePassword: row.must_change_password,
      facility: { status: row.facility_status },
    },
  };
}

async function endSession(
  db: IdentityDependencies['db'],
  session: Pick<Session, 'id' | 'userId'>,
  reason: string,
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const ended = await tx.session.updateMany({
      where: { id: session.id, endedAt: null },
      data: { endedAt: now, endReason: reason },
    });
    if (ended.count > 0) {
      const system: Principal = { kind: 'service', service: 'gateway' };
      await recordAudit(tx, system, {
        action: 'session.end',
        outcome: 'SUCCESS',
        actorId: session.userId,
        targetType: 'Session',
        targetId: session.id,
        details: { reason },
      });
    }
  });
}

export async function signOut(ctx: IdentityContext): Promise<boolean> {
  const principal = ctx.principal;
  if (principal.kind !== 'user')
    throw appError('UNAUTHENTICATED', { en: 'You are not signed in.', ja: 'サインインしていません。' });
  const now = ctx.now();
  await ctx.db.$transaction(async (tx) => {
    await tx.session.updateMany({
      where: { id: principal.sessionId, endedAt: null },
      data: { endedAt: now, endReason: 'signed-out' },
    });
    await recordAudit(tx, principal, {
      action: 'session.signOut',
      outcome: 'SUCCESS',
      targetType: 'Session',
      targetId: principal.sessionId,
    });
  });
  return true;
}

type SessionWriter = Pick<IdentityDependencies['db'], 'session' | 'auditEvent' | '$executeRaw'>;

/** Ends every live session of a user at once (suspension, retirement, password reset, ...). */
export async function endAllSessions(
  tx: SessionWriter,
  principal: Principal,
  user: Pick<User, 'id'>,
  reason: string,
  now: Date,
): Promise<number> {
  const ended = await tx.session.updateMany({
    where: { userId: user.id, endedAt: null },
    data: { endedAt: now, endReason: reason },
  });
  if (ended.count > 0) {
    await recordAudit(tx, principal, {
      action: 'session.endAll',
      outcome: 'SUCCESS',
      targetType: 'User',
      targetId: user.id,
      details: { reason, sessions: ended.count },
    });
  }
  return ended.count;
}
