// Reading and verifying identity's audit trail: the system admin only
// (audit.read), and the reading itself is audited.
import { z } from 'zod';
import type { Prisma } from '../../../generated/prisma/client';
import { verifyTrailChain, type ChainVerification, auditEventReader } from '../../../lib/audit/chain-reader';
import { badUserInput } from '../../../lib/graphql-errors';
import { pageArgs, uuid } from '../../../lib/input';
import type { IdentityContext } from '../context';
import { authorize } from './access-guard';
import { recordAuditAlone } from './audit-service';

export const listAuditArgs = pageArgs(200).extend({
  actorId: uuid.optional().nullable(),
  action: z.string().max(100).optional().nullable(),
});

export async function listAuditEvents(ctx: IdentityContext, args: z.infer<typeof listAuditArgs>) {
  await authorize(ctx, 'audit.read', { type: 'AuditEvent' });
  const before = args.after ? decodeAuditCursor(args.after) : undefined;
  const where: Prisma.AuditEventWhereInput = {
    ...(args.actorId ? { actorId: args.actorId } : {}),
    ...(args.action ? { action: args.action } : {}),
    ...(before !== undefined ? { id: { lt: before } } : {}),
  };
  const rows = await ctx.db.auditEvent.findMany({ where, orderBy: { id: 'desc' }, take: args.first + 1 });
  const items = rows.slice(0, args.first);
  const last = items[items.length - 1];
  await recordAuditAlone(ctx.db, ctx.principal, {
    action: 'audit.read',
    outcome: 'SUCCESS',
    targetType: 'AuditEvent',
    details: { count: items.length },
  });
  return {
    items,
    nextCursor: rows.length > args.first && last ? Buffer.from(`audit:${last.id}`).toString('base64url') : null,
  };
}

// Audit rows are ordered by their sequence number, so the cursor is that number.
function decodeAuditCursor(cursor: string): bigint {
  const match = /^audit:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw badUserInput(
      {
        en: 'after: It is not a cursor this API returned. Pass the endCursor of the previous page.',
        ja: 'after: この API が返したカーソルではありません。前のページの endCursor を指定してください。',
      },
      'after',
    );
  return BigInt(match[1] as string);
}

/** Walks identity's audit chain from its first hashed event (system admin only); the walk itself is audited. */
export async function verifyIdentityAuditChain(ctx: IdentityContext): Promise<ChainVerification> {
  await authorize(ctx, 'audit.read', { type: 'AuditEvent' });
  const verification = await verifyTrailChain(auditEventReader(ctx.db), (seq) =>
    ctx.db.auditEvent.count({ where: { hash: { not: null }, id: { lt: seq } } }),
  );
  await recordAuditAlone(ctx.db, ctx.principal, {
    action: 'audit.verifyChain',
    outcome: verification.ok ? 'SUCCESS' : 'FAILURE',
    targetType: 'AuditEvent',
    details: { records: verification.records, brokenAt: verification.brokenAt },
  });
  return verification;
}
