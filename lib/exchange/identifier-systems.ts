// The identifier systems this installation uses towards partners, derived
// from our FHIR base URL. One function for both directions: the requester
// side (Art. 20-3) puts them in the Tasks it sends, and exchangeIdentity shows
// them to the administrator who registers us at a partner (as our requester
// and user systems), so what we send is exactly what they registered.
// A partner's receiver checks them on every Task, so changing this
// derivation (or FHIR_BASE_URL) means every partner must re-register us.

/** Our FHIR base URL without trailing slashes. */
function baseOf(fhirBaseUrl: string): string {
  return fhirBaseUrl.replace(/\/+$/, '');
}

/**
 * Task.identifier.system of our outbound join requests, the system of our
 * users (requester, practitioner) and of our facilities (contract v2: a
 * facility's own id, sent beside its Japanese codes, lib/exchange/jp-identifiers.ts).
 */
export function ourIdentifierSystems(fhirBaseUrl: string): { request: string; user: string; facility: string } {
  const base = baseOf(fhirBaseUrl);
  return {
    request: `${base}/sid/outbound-join-request`,
    user: `${base}/sid/user`,
    facility: `${base}/sid/facility`,
  };
}

/** Where partners fetch the public keys our JWTs are signed with. */
export function ourJwksUrl(fhirBaseUrl: string): string {
  return `${baseOf(fhirBaseUrl)}/.well-known/jwks.json`;
}

/** Our SMART Backend Services token endpoint: the aud of every client assertion a SMART partner sends us. */
export function ourTokenUrl(fhirBaseUrl: string): string {
  return `${baseOf(fhirBaseUrl)}/token`;
}
