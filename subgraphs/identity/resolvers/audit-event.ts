import type { AuditEventResolvers } from '../../../generated/graphql/identity-resolvers';

export const AuditEvent = {
  id: (event) => event.id.toString(),
  actor: (event, _, ctx) => (event.actorId ? ctx.userById.load(event.actorId) : null),
  details: (event) => JSON.stringify(event.details),
} satisfies AuditEventResolvers;
