// GET /fhir/metadata: what this endpoint offers (partner exchange contract v1).
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
          description:
            'A registered partner only: Authorization: Bearer <JWT> signed by a key the partner registered (iss = sub = partner id, aud = this base URL, exp at most 5 minutes ahead, jti never reused), or mutual TLS with a registered certificate.',
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
        ],
      },
    ],
  };
}
