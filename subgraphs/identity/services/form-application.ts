// What an approved Form 1-5 changes, inside the approval's transaction:
// a facility registered, changed or stopped; an account issued, changed or
// retired. A stop or a retirement ends the sessions concerned at once. An
// issued account's credentials are made before the transaction opens
// (prepareCredentials): hashing a password holds no connection or lock.
import { randomUUID } from 'node:crypto';
import type { Application, Prisma, User } from '../../../generated/prisma/client';
import { appError } from '../../../lib/graphql-errors';
import type { IdentityContext } from '../context';
import type { Form1, Form2, Form3, Form4, Form5 } from '../domain/application-forms';
import { newAccountId, newInitialPassword } from '../domain/account-credentials';
import { isCommonPassword } from '../domain/password-policy';
import { recordAudit } from './audit-service';
import { hashPassword } from './password-hasher';
import { endAllSessions } from './session-service';
import { announceDirectoryChange } from './outbox';
import { isUniqueViolation } from '../../../lib/db-errors';

type Tx = Prisma.TransactionClient;

/** Shown once to the approver, never stored in clear. */
export interface IssuedAccount {
  user: User;
  accountId: string;
  initialPassword: string;
}

export interface Applied {
  resultId: string;
  issuedAccount: IssuedAccount | null;
}

/** A Form 4's new account id and initial password, with the password's hash. */
export interface NewCredentials {
  accountId: string;
  initialPassword: string;
  passwordHash: string;
}

/** The credentials an approved Form 4 issues; null for the other forms, which issue none. */
export async function prepareCredentials(
  ctx: IdentityContext,
  application: Application,
): Promise<NewCredentials | null> {
  if (application.form !== 4) return null;
  const form = application.content as unknown as Form4;
  const accountId = newAccountId({ prefix: ctx.settings.accountIdPrefix });
  const initialPassword = newInitialPassword({
    accountId,
    displayName: form.name,
    policy: ctx.settings.passwordPolicy,
    isCommon: isCommonPassword,
  });
  return { accountId, initialPassword, passwordHash: await hashPassword(initialPassword) };
}

export async function applyApprovedForm(
  tx: Tx,
  ctx: IdentityContext,
  application: Application,
  credentials: NewCredentials | null,
): Promise<Applied> {
  const content = application.content as unknown;
  switch (application.form) {
    case 1:
      return registerFacility(tx, content as Form1);
    case 2:
      return changeFacility(tx, application.facilityId as string, content as Form2);
    case 3:
      return stopFacility(tx, ctx, application.facilityId as string, content as Form3);
    case 4:
      if (!credentials) throw new Error('a Form 4 is applied with the credentials prepared for it');
      return issueAccount(tx, ctx, application, content as Form4, credentials);
    case 5:
      return changeAccount(tx, ctx, content as Form5);
    default:
      throw new Error(`identity does not apply Form ${application.form}`);
  }
}

const facilityCodeFields = {
  medicalInstitutionCode: { en: 'medical institution code', ja: '医療機関コード' },
  careProviderNumber: { en: 'care-provider number', ja: '介護保険事業所番号' },
} as const;

const facilityManagerTaken = {
  en: 'This facility already has a facility manager. Retire or change that account first (Form 5).',
  ja: 'この施設にはすでにシステム管理責任者がいます。先にそのアカウントの退職または変更を申請してください（様式5）。',
};

/**
 * A medical institution code or care-provider number identifies one facility
 * to partners: CONFLICT, naming the field, when another facility holds it.
 * Checked when the form is filed (so the applicant hears it at once) and
 * again when it is applied (another form may have taken the code meanwhile);
 * the unique indexes stop a race between the two.
 */
export async function assertFacilityCodesFree(
  db: Pick<Tx, 'facility'>,
  codes: { medicalInstitutionCode?: string | null; careProviderNumber?: string | null },
  facilityId: string | null,
): Promise<void> {
  for (const field of Object.keys(facilityCodeFields) as (keyof typeof facilityCodeFields)[]) {
    const value = codes[field];
    if (!value) continue;
    const holder = await db.facility.findFirst({
      where: { [field]: value, ...(facilityId ? { id: { not: facilityId } } : {}) },
      select: { id: true },
    });
    if (holder)
      throw appError(
        'CONFLICT',
        {
          en: `Another facility is registered with this ${facilityCodeFields[field].en}. Check the code.`,
          ja: `この${facilityCodeFields[field].ja}で登録済みの施設がほかにあります。番号を確認してください。`,
        },
        { field },
      );
  }
}

/** The unique indexes caught a code taken between the check and the write: the same CONFLICT, the whole step undone. */
async function codesRace<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error))
      throw appError('CONFLICT', {
        en: 'Another facility is registered with this medical institution code or care-provider number. Check the code.',
        ja: 'この医療機関コードまたは介護保険事業所番号で登録済みの施設がほかにあります。番号を確認してください。',
      });
    throw error;
  }
}

async function registerFacility(tx: Tx, form: Form1): Promise<Applied> {
  await assertFacilityCodesFree(tx, form, null);
  const facility = await codesRace(() =>
    tx.facility.create({
      data: {
        id: randomUUID(),
        name: form.name,
        kind: form.kind,
        insideCity: form.insideCity,
        outsideCityReason: form.outsideCityReason ?? null,
        address: form.address,
        medicalInstitutionCode: form.medicalInstitutionCode ?? null,
        careProviderNumber: form.careProviderNumber ?? null,
      },
    }),
  );
  return { resultId: facility.id, issuedAccount: null };
}

async function changeFacility(tx: Tx, facilityId: string, form: Form2): Promise<Applied> {
  const { reason: _reason, ...changes } = form;
  await assertFacilityCodesFree(tx, changes, facilityId);
  const facility = await codesRace(() => tx.facility.update({ where: { id: facilityId }, data: changes }));
  await announceDirectoryChange(tx, { facilityId });
  return { resultId: facility.id, issuedAccount: null };
}

async function stopFacility(tx: Tx, ctx: IdentityContext, facilityId: string, _form: Form3): Promise<Applied> {
  const now = ctx.now();
  await tx.facility.update({ where: { id: facilityId }, data: { status: 'STOPPED', stoppedAt: now } });
  // A stopped facility's users can no longer sign in, and their sessions end now.
  const users = await tx.user.findMany({ where: { facilityId }, select: { id: true } });
  for (const user of users) await endAllSessions(tx, ctx.principal, user, 'facility-stopped', now);
  await announceDirectoryChange(tx, { facilityId });
  return { resultId: facilityId, issuedAccount: null };
}

export async function orgUnitIdFor(
  tx: Pick<Tx, 'orgUnit'>,
  code: string | null | undefined,
  role: string,
): Promise<string | null> {
  if (!code) return null;
  const unit = await tx.orgUnit.findUnique({ where: { code } });
  const kind = role === 'ADMIN_MANAGER' ? 'ADMIN_DEPARTMENT' : 'HOSPITAL';
  if (!unit || unit.kind !== kind)
    throw appError(
      'BAD_USER_INPUT',
      kind === 'HOSPITAL'
        ? {
            en: `orgUnitCode: There is no hospital with code ${code}. Check the code.`,
            ja: `orgUnitCode: コード ${code} の病院はありません。コードを確認してください。`,
          }
        : {
            en: `orgUnitCode: There is no department with code ${code}. Check the code.`,
            ja: `orgUnitCode: コード ${code} の課はありません。コードを確認してください。`,
          },
      { field: 'orgUnitCode' },
    );
  return unit.id;
}

async function issueAccount(
  tx: Tx,
  ctx: IdentityContext,
  application: Application,
  form: Form4,
  { accountId, initialPassword, passwordHash }: NewCredentials,
): Promise<Applied> {
  const facilityId = application.facilityId as string;
  if (form.role === 'FACILITY_MANAGER') {
    // Art. 4-3: one facility manager per facility.
    const existing = await tx.user.count({
      where: { facilityId, role: 'FACILITY_MANAGER', status: { in: ['ACTIVE', 'SUSPENDED'] } },
    });
    if (existing > 0) throw appError('CONFLICT', facilityManagerTaken);
  }
  const orgUnitId = await orgUnitIdFor(tx, form.orgUnitCode, form.role);
  const now = ctx.now();
  const user = await tx.user.create({
    data: {
      id: randomUUID(),
      accountId,
      name: form.name,
      nameKana: form.nameKana,
      facilityId,
      role: form.role,
      orgUnitId,
      passwordHash,
      passwordChangedAt: now,
      mustChangePassword: true,
      pledgedAt: new Date(`${form.pledge.pledgedOn}T00:00:00Z`),
      pledgeVersion: form.pledge.textVersion,
      issuedBy: (ctx.principal as { userId: string }).userId,
    },
  });
  await announceDirectoryChange(tx, { userId: user.id });
  await recordAudit(tx, ctx.principal, {
    action: 'account.issue',
    outcome: 'SUCCESS',
    targetType: 'User',
    targetId: user.id,
    details: { role: user.role, application: application.id },
  });
  return { resultId: user.id, issuedAccount: { user, accountId, initialPassword } };
}

async function changeAccount(tx: Tx, ctx: IdentityContext, form: Form5): Promise<Applied> {
  const now = ctx.now();
  if (form.change === 'RETIRE') {
    const user = await tx.user.update({
      where: { id: form.userId },
      data: { status: 'RETIRED', statusReason: form.reason },
    });
    await endAllSessions(tx, ctx.principal, user, 'retired', now);
    await announceDirectoryChange(tx, { userId: user.id });
    return { resultId: user.id, issuedAccount: null };
  }
  const role = form.role;
  if (role === 'FACILITY_MANAGER') {
    // Art. 4-3: one facility manager per facility, whichever form makes one.
    const current = await tx.user.findUniqueOrThrow({ where: { id: form.userId }, select: { facilityId: true } });
    const others = await tx.user.count({
      where: {
        facilityId: current.facilityId,
        role: 'FACILITY_MANAGER',
        status: { in: ['ACTIVE', 'SUSPENDED'] },
        id: { not: form.userId },
      },
    });
    if (others > 0) throw appError('CONFLICT', facilityManagerTaken);
  }
  const orgUnitId = role ? await orgUnitIdFor(tx, form.orgUnitCode, role) : undefined;
  const user = await tx.user.update({
    where: { id: form.userId },
    data: { name: form.name, nameKana: form.nameKana, role, orgUnitId },
  });
  // A new role takes effect on the next sign-in, never inside a session that was granted the old one.
  if (role) await endAllSessions(tx, ctx.principal, user, 'role-changed', now);
  return { resultId: user.id, issuedAccount: null };
}
