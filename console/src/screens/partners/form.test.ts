import { emptyPartnerForm, formOfPartner, problemField, registerInputOf, updateInputOf, withoutField } from './form';

const typed = {
  ...emptyPartnerForm,
  name: ' 氷見市多職種ネット ',
  fhirBaseUrl: 'https://himi.example/fhir ',
  requesterSystem: 'https://himi.example/requests',
  userSystem: 'https://himi.example/users',
  jwks: '{"keys":[]}',
  certificateFingerprints: 'ab:cd\n\n ef01 ',
};

describe('the partner form', () => {
  it('registers with trimmed texts, leaving out what is empty', () => {
    expect(registerInputOf(typed)).toEqual({
      name: '氷見市多職種ネット',
      fhirBaseUrl: 'https://himi.example/fhir',
      requesterSystem: 'https://himi.example/requests',
      userSystem: 'https://himi.example/users',
      jwks: '{"keys":[]}',
      jwksUrl: undefined,
      certificateFingerprints: ['ab:cd', 'ef01'],
      inboundAuth: 'CONTRACT_JWT',
      outboundAuth: 'JWT',
      consentInJoin: 'OPTIONAL',
      subscribeAtPartner: true,
      ourClientId: undefined,
      caCertificates: undefined,
    });
  });

  it('changes only what differs; an emptied jwksUrl or CA text is sent empty, to remove it', () => {
    const before = formOfPartner({
      name: '氷見市多職種ネット',
      fhirBaseUrl: 'https://himi.example/fhir',
      requesterSystem: 'https://himi.example/requests',
      userSystem: 'https://himi.example/users',
      jwks: '{"keys":[]}',
      jwksUrl: 'https://himi.example/jwks',
      certificateFingerprints: ['ab', 'cd'],
      inboundAuth: 'CONTRACT_JWT',
      outboundAuth: 'JWT',
      consentInJoin: 'OPTIONAL',
      subscribeAtPartner: true,
      ourClientId: null,
      caCertificates: [{ pem: '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n' }],
    });
    expect(updateInputOf(before, before)).toEqual({});
    expect(
      updateInputOf(
        { ...before, name: '氷見ネット', jwksUrl: ' ', caCertificates: '', consentInJoin: 'REQUIRED' },
        before,
      ),
    ).toEqual({ name: '氷見ネット', jwksUrl: '', caCertificates: '', consentInJoin: 'REQUIRED' });
    expect(updateInputOf({ ...before, certificateFingerprints: 'ab\ncd\n' }, before)).toEqual({});
    expect(updateInputOf({ ...before, certificateFingerprints: 'ab' }, before)).toEqual({
      certificateFingerprints: ['ab'],
    });
  });

  it('finds the field a refusal names, and the words without it', () => {
    expect(problemField('input.fhirBaseUrl: Give an https:// URL.')).toBe('fhirBaseUrl');
    expect(problemField('input.certificateFingerprints.0: Give a SHA-256 fingerprint.')).toBe(
      'certificateFingerprints',
    );
    expect(problemField('jwks: A key cannot be imported.')).toBe('jwks');
    expect(problemField('input.secret: no such field')).toBeNull();
    expect(problemField('Only the system administrator may register partners.')).toBeNull();
    expect(withoutField('input.fhirBaseUrl: クエリを含まない https:// の URL を指定してください。')).toBe(
      'クエリを含まない https:// の URL を指定してください。',
    );
  });
});
