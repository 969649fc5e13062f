// GET /fhir/.well-known/smart-configuration (SMART App Launch 2.x): how a
// partner's SMART Backend Services client finds our token endpoint and what
// it may ask for. Only what Backend Services uses: no authorization endpoint
// (no user launches here), private_key_jwt with RS384/ES384,
// client_credentials, system scopes in v2 syntax (v1 accepted too).
import { ourJwksUrl, ourTokenUrl } from '../../lib/exchange/identifier-systems';
import { smartAssertionAlgorithms } from '../../subgraphs/identity';
import { scopesSupported } from './smart-scopes';

/** Our token endpoint, under the FHIR base URL: the aud of every client assertion. */
export const smartTokenUrl = ourTokenUrl;

export function smartConfiguration(fhirBaseUrl: string): Record<string, unknown> {
  return {
    issuer: fhirBaseUrl,
    jwks_uri: ourJwksUrl(fhirBaseUrl),
    token_endpoint: smartTokenUrl(fhirBaseUrl),
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...smartAssertionAlgorithms],
    grant_types_supported: ['client_credentials'],
    scopes_supported: scopesSupported(),
    response_types_supported: ['token'],
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}
