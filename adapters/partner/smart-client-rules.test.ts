import {
  parseSmartConfiguration,
  parseTokenAnswer,
  renewalMargin,
  scopesToRequest,
  tokenRefusal,
} from './smart-client-rules';

const config = (overrides: Record<string, unknown> = {}) => ({
  token_endpoint: 'https://partner.example/auth/token',
  token_endpoint_auth_methods_supported: ['private_key_jwt'],
  token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
  grant_types_supported: ['client_credentials'],
  capabilities: ['client-confidential-asymmetric', 'permission-v2'],
  ...overrides,
});

describe("parseSmartConfiguration: a partner's smart-configuration we can use", () => {
  it('takes the token endpoint and the scope syntax', () => {
    expect(parseSmartConfiguration(config())).toEqual({
      tokenEndpoint: 'https://partner.example/auth/token',
      scopeSyntax: 'v2',
      subscriptionScopes: false,
    });
    expect(parseSmartConfiguration({ token_endpoint: 'https://p.example/token' })).toMatchObject({ scopeSyntax: 'v2' });
  });

  it('asks v1 scopes of a server that only knows them', () => {
    expect(parseSmartConfiguration(config({ capabilities: ['permission-v1'] })).scopeSyntax).toBe('v1');
    expect(
      parseSmartConfiguration(config({ capabilities: [], scopes_supported: ['system/Task.read', 'system/*.*'] }))
        .scopeSyntax,
    ).toBe('v1');
  });

  it.each([
    ['not an object', 'html'],
    ['no token endpoint', config({ token_endpoint: undefined })],
    ['an http token endpoint', config({ token_endpoint: 'http://partner.example/token' })],
    ['credentials in the URL', config({ token_endpoint: 'https://u:p@partner.example/token' })],
    ['no private_key_jwt', config({ token_endpoint_auth_methods_supported: ['client_secret_basic'] })],
    ['no ES384', config({ token_endpoint_auth_signing_alg_values_supported: ['RS384'] })],
    ['no client_credentials', config({ grant_types_supported: ['authorization_code'] })],
  ])('refuses %s with SMART_DISCOVERY', (_label, body) => {
    expect(() => parseSmartConfiguration(body)).toThrow(expect.objectContaining({ code: 'SMART_DISCOVERY' }));
  });
});

describe('scopesToRequest', () => {
  it('asks exactly what the requester does: create, read, search and cancel Tasks, read CareTeams', () => {
    expect(scopesToRequest('v2')).toBe('system/Task.crus system/CareTeam.r');
    expect(scopesToRequest('v1')).toBe('system/Task.read system/Task.write system/CareTeam.read');
  });

  it('adds Subscription scopes (outbound push) only for a server that lists them', () => {
    expect(
      parseSmartConfiguration(config({ scopes_supported: ['system/Task.crus', 'system/Subscription.crd'] }))
        .subscriptionScopes,
    ).toBe(true);
    expect(scopesToRequest('v2', true)).toBe('system/Task.crus system/CareTeam.r system/Subscription.crd');
    expect(scopesToRequest('v1', true)).toBe(
      'system/Task.read system/Task.write system/CareTeam.read system/Subscription.read system/Subscription.write',
    );
  });
});

describe('parseTokenAnswer and renewal', () => {
  const now = 1_000_000;
  it('renews a fifth of the lifetime early, at most a minute', () => {
    expect(parseTokenAnswer({ access_token: 't', token_type: 'Bearer', expires_in: 300 }, now)).toEqual({
      accessToken: 't',
      expiresAt: now + 300_000,
      renewAt: now + 240_000,
    });
    expect(renewalMargin(3600)).toBe(60_000);
    expect(renewalMargin(2)).toBe(400);
  });

  it('assumes a short lifetime when expires_in is missing', () => {
    expect(parseTokenAnswer({ access_token: 't', token_type: 'bearer' }, now).expiresAt).toBe(now + 60_000);
  });

  it.each([
    ['no token', { token_type: 'bearer', expires_in: 300 }],
    ['an empty token', { access_token: '', token_type: 'bearer' }],
    ['not bearer', { access_token: 't', token_type: 'mac' }],
    ['not an object', 'token'],
  ])('refuses %s with TOKEN_ENDPOINT', (_label, body) => {
    expect(() => parseTokenAnswer(body, now)).toThrow(expect.objectContaining({ code: 'TOKEN_ENDPOINT' }));
  });

  it('an OAuth error is TOKEN_REFUSED naming it; anything else TOKEN_ENDPOINT', () => {
    expect(tokenRefusal(401, { error: 'invalid_client' })).toMatchObject({
      code: 'TOKEN_REFUSED',
      message: expect.stringContaining('invalid_client'),
      retryable: true,
    });
    expect(tokenRefusal(400, { error: 'invalid_scope', error_description: 'x' }).code).toBe('TOKEN_REFUSED');
    expect(tokenRefusal(503, undefined).code).toBe('TOKEN_ENDPOINT');
    expect(tokenRefusal(400, { error: '<script>' }).code).toBe('TOKEN_ENDPOINT');
  });
});
