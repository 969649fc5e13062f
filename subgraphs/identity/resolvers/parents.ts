// What identity's resolvers receive for the GraphQL types that are not one of
// its Prisma rows; scripts/resolver-types.ts makes them the parent types of
// the generated resolver types (the rows are mapped there directly).
import type { IdentityAccess, IdentityPart, ReportKey } from '../services/disclosure-report-service';

/** Rooms' ExistenceCheck as the gateway sends it: the key and, for matchingSubjects, the question (@requires). */
export interface ExistenceCheckParent {
  id: string;
  nameKana?: string;
  birthDate?: string;
}

/** A DisclosureReport reference with identity's part, produced once per report and awaited by each field. */
export type DisclosureReportParent = ReportKey & { part: Promise<IdentityPart> };

/** Identity's own access rows; the actor is resolved from actorId. */
export type DisclosedAccessParent = IdentityAccess;

/** exchangeIdentity's answer without `partners`, which ExchangeIdentity.partners lists when asked. */
export interface ExchangeIdentityParent {
  issuer: string;
  jwk: string;
  jwksUrl: string;
  fhirBaseUrl: string;
  requestIdentifierSystem: string;
  userIdentifierSystem: string;
  networkCaCertificate: string;
}
