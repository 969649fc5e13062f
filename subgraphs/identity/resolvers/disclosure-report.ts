// Identity's fields of the federated DisclosureReport (consent owns the
// entity). The gateway sends the key and the withheld parts (@requires);
// producing the part (permission, audit row, reads) happens once per report.
import type {
  DisclosedAccessResolvers,
  DisclosureReportResolvers,
} from '../../../generated/graphql/identity-resolvers';
import { produceIdentityPart, type ReportKey } from '../services/disclosure-report-service';
import type { DisclosureReportParent } from './parents';

/**
 * The gateway's representation. The generated reference type says a Date for
 * asOf (the scalar's output type), but a representation is JSON: asOf is the
 * string consent serialized, and the key must stay that string.
 */
type ReportRepresentation = Omit<ReportKey, 'asOf'> & { asOf: Date | string };

export const DisclosureReport = {
  __resolveReference: (ref: ReportRepresentation, ctx): DisclosureReportParent => {
    const key: ReportKey = { ...ref, asOf: ref.asOf instanceof Date ? ref.asOf.toISOString() : ref.asOf };
    const part = produceIdentityPart(ctx, key);
    // Each field awaits it; this keeps an early refusal from surfacing as an unhandled rejection.
    part.catch(() => undefined);
    return { ...key, part };
  },
  subjectRecord: async (report) => (await report.part).subjectRecord,
  identityAccesses: async (report) => (await report.part).identityAccesses,
} satisfies DisclosureReportResolvers;

/** Identity's own access rows (parents.ts); their actors are resolved here. */
export const DisclosedAccess = {
  actor: (access, _, ctx) => (access.actorId ? ctx.userById.load(access.actorId) : null),
} satisfies DisclosedAccessResolvers;
