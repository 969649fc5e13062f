import type { AuditEvent as AuditRow } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';

export const AuditEvent = {
  id: (event: AuditRow) => event.id.toString(),
  actor: (event: AuditRow, _: unknown, ctx: IdentityContext) =>
    event.actorId ? ctx.userById.load(event.actorId) : null,
  details: (event: AuditRow) => JSON.stringify(event.details),
};
