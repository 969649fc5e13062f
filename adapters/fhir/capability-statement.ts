// GET /fhir/metadata: what this endpoint offers (partner exchange contract v1,
// and since issue 17 SMART Backend Services: the security section names the
// SMART-on-FHIR service and our token endpoint in the oauth-uris extension, as
// SMART App Launch says a server may besides .well-known/smart-configuration).
// Push (issue 17 part 3): Subscription with the backport profile, and our one
// topic in the backport's subscriptiontopic-canonical extension, which is how
// an R4 server says which topics it offers.
import { smartTokenUrl } from './smart-configuration';
import {
  backportSubscriptionProfile,
  joinTaskStatusTopic,
  topicCanonicalExtension,
} from './subscriptions/subscription-rules';

export function capabilityStatement(fhirBaseUrl: string, date: Date): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: date.toISOString(),
    kind: 'instance',
    software: { name: 'Renkei' },
    implementation: {
      description: 'Renkei partner exchange (contract v1): Art. 20-2 / 20-3 cross-system room joins',
      url: fhirBaseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: {
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: smartTokenUrl(fhirBaseUrl) }],
            },
          ],
          service: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' },
              ],
            },
          ],
          description:
            'A registered partner only. SMART Backend Services partners: an access token from the token endpoint (see .well-known/smart-configuration; client_credentials with an RS384/ES384 client assertion, system scopes). Contract v1 partners: Authorization: Bearer <JWT> signed by a key the partner registered (iss = sub = partner id, aud = this base URL, exp at most 5 minutes ahead, jti never reused), or mutual TLS with a registered certificate.',
        },
        resource: [
          {
            type: 'Task',
            // update/patch: the requester may only cancel its own Task before a decision.
            interaction: [
              { code: 'create' },
              { code: 'read' },
              { code: 'search-type' },
              { code: 'update' },
              { code: 'patch' },
            ],
            conditionalCreate: true,
            searchParam: [{ name: 'identifier', type: 'token' }],
          },
          { type: 'CareTeam', interaction: [{ code: 'read' }] },
          {
            type: 'Subscription',
            extension: [{ url: topicCanonicalExtension, valueCanonical: joinTaskStatusTopic }],
            supportedProfile: [backportSubscriptionProfile],
            interaction: [{ code: 'create' }, { code: 'read' }, { code: 'delete' }],
          },
        ],
      },
    ],
  };
}
