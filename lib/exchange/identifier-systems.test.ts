import { ourIdentifierSystems, ourJwksUrl } from './identifier-systems';
import { shareCodeLength, shareCodeLengthOk } from './share-code-limits';

describe('our identifier systems and JWK set URL', () => {
  it('derive from our FHIR base URL, trailing slashes or not', () => {
    for (const base of ['https://renkei.example/fhir', 'https://renkei.example/fhir/']) {
      expect(ourIdentifierSystems(base)).toEqual({
        request: 'https://renkei.example/fhir/sid/outbound-join-request',
        user: 'https://renkei.example/fhir/sid/user',
        facility: 'https://renkei.example/fhir/sid/facility',
      });
      expect(ourJwksUrl(base)).toBe('https://renkei.example/fhir/.well-known/jwks.json');
    }
  });
});

describe('the share-code length bound (both directions)', () => {
  it('is 8 to 256 characters', () => {
    expect(shareCodeLength).toEqual({ min: 8, max: 256 });
    expect(shareCodeLengthOk('x'.repeat(7))).toBe(false);
    expect(shareCodeLengthOk('x'.repeat(8))).toBe(true);
    expect(shareCodeLengthOk('x'.repeat(256))).toBe(true);
    expect(shareCodeLengthOk('x'.repeat(257))).toBe(false);
  });
});
