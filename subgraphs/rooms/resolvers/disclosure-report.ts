// Rooms' fields of the federated DisclosureReport (consent owns the entity).
// The gateway sends the key and the withheld parts (@requires); producing
// the part (permission, access record, reads) happens once per report.
import type { RoomsContext } from '../context';
import { produceRoomsPart, type ReportKey, type RoomsPart } from '../services/disclosure-report-service';

type Resolved = ReportKey & { part: Promise<RoomsPart> };

export const DisclosureReport = {
  __resolveReference: (key: ReportKey, ctx: RoomsContext): Resolved => {
    const part = produceRoomsPart(ctx, key);
    // Each field awaits it; this keeps an early refusal from surfacing as an unhandled rejection.
    part.catch(() => undefined);
    return { ...key, part };
  },
  rooms: async (report: Resolved) => (await report.part).rooms,
  roomsAccesses: async (report: Resolved) => (await report.part).roomsAccesses,
};
