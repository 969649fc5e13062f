// Identity's fields of the federated DisclosureReport (consent owns the
// entity). The gateway sends the key and the withheld parts (@requires);
// producing the part (permission, audit row, reads) happens once per report.
import type { IdentityContext } from '../context';
import {
  produceIdentityPart,
  type IdentityAccess,
  type IdentityPart,
  type ReportKey,
} from '../services/disclosure-report-service';

type Resolved = ReportKey & { part: Promise<IdentityPart> };

export const DisclosureReport = {
  __resolveReference: (key: ReportKey, ctx: IdentityContext): Resolved => {
    const part = produceIdentityPart(ctx, key);
    // Each field awaits it; this keeps an early refusal from surfacing as an unhandled rejection.
    part.catch(() => undefined);
    return { ...key, part };
  },
  subjectRecord: async (report: Resolved) => (await report.part).subjectRecord,
  identityAccesses: async (report: Resolved) => (await report.part).identityAccesses,
};

/** Rooms and consent return User references for the gateway to resolve; identity resolves its own rows' actors here. */
export const DisclosedAccess = {
  actor: (access: IdentityAccess | { actor: unknown }, _: unknown, ctx: IdentityContext) => {
    if ('actor' in access) return access.actor;
    return access.actorId ? ctx.userById.load(access.actorId) : null;
  },
};
