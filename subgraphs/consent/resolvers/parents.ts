// What consent's resolvers receive for the GraphQL types that are not one of
// its Prisma rows; scripts/resolver-types.ts makes them the parent types of
// the generated resolver types (the rows are mapped there directly).
import type { ReportRef } from '../services/disclosure-report-service';

/** Identity's Subject as consent knows it: its key. */
export interface SubjectRef {
  id: string;
}

/** Rooms' Room as the gateway sends it: the key and, for consentStatus, the subject (@requires); consent never reads rooms' tables. */
export interface RoomReference {
  id: string;
  subject: SubjectRef;
}

/** A disclosure report: the request's key, the time it is as of and the parts withheld then. */
export type DisclosureReportParent = ReportRef;
