// Reading applications: who sees which. The system admin sees all; an admin
// manager sees every Form 1-5 (it forwards and decides them); a facility
// manager sees its own facility's and its own submissions; others see
// only what they submitted.
import type { Prisma } from '../../../generated/prisma/client';
import { readPage } from '../../../lib/cursor';
import { notFound } from '../../../lib/graphql-errors';
import { pageArgs } from '../../../lib/input';
import { applicationStatuses } from '../../../lib/workflow/application-workflow';
import { z } from 'zod';
import type { UserPrincipal } from '../../../lib/access/principal';
import type { IdentityContext } from '../context';
import { requireUser } from './access-guard';

export const listApplicationsArgs = pageArgs(100).extend({
  status: z.enum(applicationStatuses).optional().nullable(),
  copiedToSystemAdmin: z.boolean().optional().nullable(),
});

function visibleTo(user: UserPrincipal): Prisma.ApplicationWhereInput {
  switch (user.role) {
    case 'SYSTEM_ADMIN':
    case 'ADMIN_MANAGER':
      return {};
    case 'FACILITY_MANAGER':
      return { OR: [{ facilityId: user.facilityId }, { submittedBy: user.userId }] };
    default:
      return { submittedBy: user.userId };
  }
}

export const countApplicationsArgs = listApplicationsArgs.pick({ status: true, copiedToSystemAdmin: true });

/** The applications the caller may see that match the filter. */
function matching(user: UserPrincipal, args: z.infer<typeof countApplicationsArgs>): Prisma.ApplicationWhereInput {
  return {
    AND: [
      visibleTo(user),
      args.status ? { status: args.status } : {},
      typeof args.copiedToSystemAdmin === 'boolean' ? { copyToSystemAdmin: args.copiedToSystemAdmin } : {},
    ],
  };
}

/** How many applications match, over every page: one COUNT, whatever their number. */
export function countApplications(ctx: IdentityContext, args: z.infer<typeof countApplicationsArgs>): Promise<number> {
  return ctx.db.application.count({ where: matching(requireUser(ctx), args) });
}

export function listApplications(ctx: IdentityContext, args: z.infer<typeof listApplicationsArgs>) {
  const filter = matching(requireUser(ctx), args);
  return readPage(
    args,
    'submittedAt',
    (where, take) =>
      ctx.db.application.findMany({
        where: { AND: [filter, where] },
        orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
        take,
      }),
    (row) => row.submittedAt,
  );
}

/** An application the caller may not see is reported as not found: its existence is not revealed. */
export async function getApplication(ctx: IdentityContext, id: string) {
  const user = requireUser(ctx);
  const application = await ctx.db.application.findFirst({ where: { AND: [{ id }, visibleTo(user)] } });
  if (!application)
    throw notFound({
      en: 'There is no such application. Check the id.',
      ja: 'その申請はありません。ID を確認してください。',
    });
  return application;
}
