// Rooms' fields of the federated DisclosureReport (consent owns the entity).
// The gateway sends the key and the withheld parts (@requires); producing
// the part (permission, access record, reads) happens once per report.
import type { DisclosedRoomResolvers, DisclosureReportResolvers } from '../../../generated/graphql/rooms-resolvers';
import { decodeClosure } from '../domain/room-access';
import { produceRoomsPart, type ReportKey } from '../services/disclosure-report-service';
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
    const part = produceRoomsPart(ctx, key);
    // Each field awaits it; this keeps an early refusal from surfacing as an unhandled rejection.
    part.catch(() => undefined);
    return { ...key, part };
  },
  rooms: async (report) => (await report.part).rooms,
  roomsAccesses: async (report) => (await report.part).roomsAccesses,
  emergencyAccesses: async (report) => (await report.part).emergencyAccesses,
} satisfies DisclosureReportResolvers;

export const DisclosedRoom = {
  // The stored closure is the reason and the manager's note (domain/room-access encodeClosure): the report
  // shows the reason only, as Room.closedReason does. Returned raw, a note made the enum fail to serialize.
  closedReason: (room) => decodeClosure(room.closedReason)?.reason ?? null,
} satisfies DisclosedRoomResolvers;
