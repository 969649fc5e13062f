// Every resolver that touches consent data goes through one of these, so
// the permission check and the access record cannot be forgotten: a refusal
// appends DENIED before the error, a read appends READ together with the
// data load (both batched for the whole request), a write's WRITE record is
// appended by the service inside the write's transaction.
//
// A subject's consent data (reads through `read`, writes through
// `careWriter`) needs both: a role that handles consent, and a care
// relationship with that subject (need to know, lib/access/care-relationship.ts).
// `writer` checks the role only, for what is not about one subject's care:
// appendix 5 disclosure (the system admin's duty) and the access chain.
import { GraphQLError } from 'graphql';
import { requireAnyOf } from '../../../lib/access/guard';
import { appError } from '../../../lib/graphql-errors';
import type { Operation } from '../../../lib/access/permissions';
import type { UserPrincipal } from '../../../lib/access/principal';
import type { ConsentContext } from '../context';

interface Target {
  what: string;
  subjectId: string | null;
  roomId?: string | null;
}

function check(ctx: ConsentContext, operations: Operation[]): { user: UserPrincipal } | { denial: GraphQLError } {
  try {
    return { user: requireAnyOf(ctx.principal, operations) };
  } catch (error) {
    if (error instanceof GraphQLError) return { denial: error };
    throw error;
  }
}

async function deny(ctx: ConsentContext, target: Target, denial: GraphQLError): Promise<never> {
  await ctx.accessLog.load({ ...target, action: 'DENIED', outcome: String(denial.extensions.code) });
  throw denial;
}

const noRelationship = () =>
  appError(
    'FORBIDDEN',
    {
      en: 'You have no care relationship with this subject (need to know). Ask a member of their room, or check whether a room exists (askRoomExists).',
      ja: 'この対象者との支援関係がありません（必要な範囲に限った共有）。部屋のメンバーに相談するか、部屋の有無を確認してください（askRoomExists）。',
    },
    {
      reason: 'NO_CARE_RELATIONSHIP',
    },
  );

/** Role, then care relationship: a subject nobody may show the caller is refused like an unknown one. */
async function checkCare(
  ctx: ConsentContext,
  operations: Operation[],
  target: Target,
): Promise<{ user: UserPrincipal } | { denial: GraphQLError }> {
  const checked = check(ctx, operations);
  if ('denial' in checked) return checked;
  if (!target.subjectId || !(await ctx.careOf.load(target.subjectId))) return { denial: noRelationship() };
  return checked;
}

/** Checks role and care relationship, then loads the data while its READ record is appended. */
export async function read<T>(
  ctx: ConsentContext,
  operations: Operation[],
  target: Target,
  load: () => Promise<T>,
): Promise<T> {
  const checked = await checkCare(ctx, operations, target);
  if ('denial' in checked) return deny(ctx, target, checked.denial);
  const [, value] = await Promise.all([ctx.accessLog.load({ ...target, action: 'READ', outcome: 'OK' }), load()]);
  return value;
}

/** Checks role and care relationship before a write about a subject; the caller's input is parsed only after. */
export async function careWriter(ctx: ConsentContext, operations: Operation[], target: Target): Promise<UserPrincipal> {
  const checked = await checkCare(ctx, operations, target);
  if ('denial' in checked) return deny(ctx, target, checked.denial);
  return checked.user;
}

/** Checks the role only, before a write not about one subject's care; the caller's input is parsed only after. */
export async function writer(ctx: ConsentContext, operations: Operation[], target: Target): Promise<UserPrincipal> {
  const checked = check(ctx, operations);
  if ('denial' in checked) return deny(ctx, target, checked.denial);
  return checked.user;
}

/** The subject id of a raw argument, for the record of a refused attempt. */
export function subjectIdOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
