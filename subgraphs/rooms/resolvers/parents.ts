// What rooms' resolvers receive for the GraphQL types that are not one of its
// Prisma rows; scripts/resolver-types.ts makes them the parent types of the
// generated resolver types (the rows are mapped there directly).
import type { EmergencyAccess, EmergencyAccessGrantee } from '../../../generated/prisma/client';
import type {
  DisclosedEmergencyAccess,
  DisclosedRoom,
  ReportKey,
  RoomsPart,
} from '../services/disclosure-report-service';

/** Identity's Subject as rooms knows it: its key (a reference rooms returns, or the gateway's representation). */
export interface SubjectRef {
  id: string;
}

/** A DisclosureReport reference with rooms' part, produced once per report and awaited by each field. */
export type DisclosureReportParent = ReportKey & { part: Promise<RoomsPart> };

/** A room as the disclosure report shows it (counts, no content); closedReason is the stored closure, decoded by its resolver. */
export type DisclosedRoomParent = DisclosedRoom;

/** An emergency access row with its grantees (emergency/services/emergency-access-service.ts loads them together). */
export type EmergencyAccessParent = EmergencyAccess & { grantees: EmergencyAccessGrantee[] };

/** An emergency access as the disclosure report shows it, with the records made under it. */
export type DisclosedEmergencyAccessParent = DisclosedEmergencyAccess;
