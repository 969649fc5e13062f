// Every resolver that touches consent data goes through one of these, so
// the permission check and the access record cannot be forgotten: a refusal
// appends DENIED before the error, a read appends READ together with the
// data load (both batched for the whole request), a write's WRITE record is
// appended by the service inside the write's transaction.
import { GraphQLError } from 'graphql';
import { requireAnyOf } from '../../../lib/access/guard';
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

/** Checks, then loads the data while its READ record is appended. */
export async function read<T>(ctx: ConsentContext, operations: Operation[], target: Target, load: () => Promise<T>): Promise<T> {
  const checked = check(ctx, operations);
  if ('denial' in checked) return deny(ctx, target, checked.denial);
  const [, value] = await Promise.all([ctx.accessLog.load({ ...target, action: 'READ', outcome: 'OK' }), load()]);
  return value;
}

/** Checks before a write; the caller's input is parsed only after. */
export async function writer(ctx: ConsentContext, operations: Operation[], target: Target): Promise<UserPrincipal> {
  const checked = check(ctx, operations);
  if ('denial' in checked) return deny(ctx, target, checked.denial);
  return checked.user;
}

/** The subject id of a raw argument, for the record of a refused attempt. */
export function subjectIdOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
