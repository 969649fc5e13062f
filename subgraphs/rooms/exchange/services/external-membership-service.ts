// Our users' memberships in partners' rooms (completed Art. 20-3 joins), as
// the graph shows them: a user sees its own (myExternalRooms); the facility
// manager sees its facility's users', the system admin everyone's (the same
// people who confirm and decide the joins). Reading them is recorded in
// rooms' access records like any other exchange step.
import { z } from 'zod';
import type { ExternalMembership, Prisma } from '../../../../generated/prisma/client';
import { requireSignedIn } from '../../../../lib/access/guard';
import { can } from '../../../../lib/access/permissions';
import type { UserPrincipal } from '../../../../lib/access/principal';
import { appError } from '../../../../lib/graphql-errors';
import type { RoomsContext } from '../../context';
import { recordAccessAlone } from '../../services/access-records';
import { outboundJoinRoute } from './outbound-join-service';

export const listInput = z.object({ status: z.enum(['ACTIVE', 'ENDED']).nullish() });

export async function myExternalRooms(
  ctx: RoomsContext,
  input: z.infer<typeof listInput>,
): Promise<ExternalMembership[]> {
  const user = requireSignedIn(ctx.principal);
  return list(ctx, user, { userId: user.userId }, input);
}

function managedBy(user: UserPrincipal): Prisma.ExternalMembershipWhereInput | null {
  if (can(user, outboundJoinRoute.decide)) return {};
  if (can(user, outboundJoinRoute.forward, { facilityId: user.facilityId })) return { facilityId: user.facilityId };
  return null;
}

/** For the managers: the system admin sees all, a facility manager its own facility's. */
export async function externalMemberships(
  ctx: RoomsContext,
  input: z.infer<typeof listInput>,
): Promise<ExternalMembership[]> {
  const user = requireSignedIn(ctx.principal);
  const scope = managedBy(user);
  if (!scope) {
    await recordAccessAlone(ctx.db, {
      actor: user,
      room: { id: null, subjectId: null },
      action: 'DENIED',
      what: 'external-memberships',
      outcome: 'FORBIDDEN',
    });
    throw appError('FORBIDDEN', {
      en: "Only facility managers and the system administrator see other users' rooms at partner systems.",
      ja: '他の利用者の他団体のシステムでの部屋を見られるのは、システム管理責任者とシステム管理者だけです。',
    });
  }
  return list(ctx, user, scope, input);
}

async function list(
  ctx: RoomsContext,
  user: UserPrincipal,
  scope: Prisma.ExternalMembershipWhereInput,
  input: z.infer<typeof listInput>,
): Promise<ExternalMembership[]> {
  const rows = await ctx.db.externalMembership.findMany({
    where: { AND: [scope, input.status ? { status: input.status } : {}] },
    orderBy: [{ joinedAt: 'desc' }, { id: 'desc' }],
    take: 200,
  });
  await recordAccessAlone(ctx.db, {
    actor: user,
    room: { id: null, subjectId: null },
    action: 'READ',
    what: 'external-memberships',
    outcome: 'SUCCESS',
  });
  return rows;
}
