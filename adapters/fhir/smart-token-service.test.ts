import { clientAssertionType, parseTokenRequest } from './smart-token-service';

const form = (overrides: Record<string, unknown> = {}) => ({
  grant_type: 'client_credentials',
  client_assertion_type: clientAssertionType,
  client_assertion: 'a.b.c',
  ...overrides,
});

describe('parseTokenRequest: the parameters, before any I/O', () => {
  it('takes a Backend Services request, scope and client_id optional', () => {
    expect(parseTokenRequest(form({ scope: 'system/Task.c', client_id: 'p' }))).toEqual({
      ok: true,
      request: { assertion: 'a.b.c', scope: 'system/Task.c', clientId: 'p' },
    });
    expect(parseTokenRequest(form())).toMatchObject({ ok: true, request: { scope: undefined } });
  });

  it.each([
    ['no body', undefined, 'invalid_request', 'grant_type'],
    ['no grant_type', form({ grant_type: undefined }), 'invalid_request', 'grant_type'],
    ['another grant', form({ grant_type: 'password' }), 'unsupported_grant_type', 'grant_type'],
    ['no assertion type', form({ client_assertion_type: undefined }), 'invalid_request', 'client_assertion_type'],
    ['another assertion type', form({ client_assertion_type: 'saml' }), 'invalid_request', 'client_assertion_type'],
    ['no assertion', form({ client_assertion: undefined }), 'invalid_request', 'client_assertion'],
    ['a huge assertion', form({ client_assertion: 'a'.repeat(16_001) }), 'invalid_request', 'client_assertion'],
    ['a repeated parameter', form({ scope: ['a', 'b'] }), 'invalid_request', 'scope'],
  ])('%s: %s', (_label, body, error, reason) => {
    expect(parseTokenRequest(body)).toMatchObject({ ok: false, error, reason });
  });
});
