import {
  careProviderNumberProblem,
  careProviderNumberSystem,
  facilityIdentifiers,
  luhnCheckDigit,
  luhnValid,
  medicalInstitutionCodeProblem,
  medicalInstitutionCodeSystem,
  normaliseOrganizationIdentifiers,
} from './jp-identifiers';

describe('medical institution code (医療機関コード)', () => {
  it('accepts a valid 10-digit code (Luhn over all 10 digits)', () => {
    expect(luhnValid('0110113719')).toBe(true);
    expect(luhnCheckDigit('011011371')).toBe('9');
    expect(medicalInstitutionCodeProblem('0110113719')).toBeNull();
    expect(medicalInstitutionCodeProblem('1611234566')).toBeNull(); // 富山, 医科
  });

  it('refuses a wrong check digit, length, prefecture or fee-schedule code', () => {
    expect(medicalInstitutionCodeProblem('0110113718')).toMatch(/check digit/);
    expect(medicalInstitutionCodeProblem('011011371')).toMatch(/10 digits/);
    expect(medicalInstitutionCodeProblem('01101137190')).toMatch(/10 digits/);
    expect(medicalInstitutionCodeProblem('01101１3719')).toMatch(/10 digits/);
    expect(medicalInstitutionCodeProblem('4810113714')).toMatch(/prefecture/);
    expect(medicalInstitutionCodeProblem('0010113710')).toMatch(/prefecture/);
    expect(medicalInstitutionCodeProblem('0120113717')).toMatch(/fee-schedule/);
  });
});

describe('care-provider number (介護保険事業所番号)', () => {
  it('checks length, digits and prefecture only (no check digit is published)', () => {
    expect(careProviderNumberProblem('1670100001')).toBeNull();
    expect(careProviderNumberProblem('1670100002')).toBeNull();
    expect(careProviderNumberProblem('167010000')).toMatch(/10 digits/);
    expect(careProviderNumberProblem('16701000a1')).toMatch(/10 digits/);
    expect(careProviderNumberProblem('5070100001')).toMatch(/prefecture/);
  });
});

describe('identifiers we send for a facility', () => {
  it('lists the medical code, the care-provider number, then our own id', () => {
    expect(
      facilityIdentifiers(
        { id: 'f1', medicalInstitutionCode: '0110113719', careProviderNumber: '1670100001' },
        'https://us/fhir/sid/facility',
      ),
    ).toEqual([
      { system: medicalInstitutionCodeSystem, value: '0110113719' },
      { system: careProviderNumberSystem, value: '1670100001' },
      { system: 'https://us/fhir/sid/facility', value: 'f1' },
    ]);
    expect(facilityIdentifiers({ id: 'f1' }, 'https://us/fhir/sid/facility')).toEqual([
      { system: 'https://us/fhir/sid/facility', value: 'f1' },
    ]);
  });
});

describe('normalising a partner organisation identifiers', () => {
  const jp = { system: medicalInstitutionCodeSystem, value: '0110113719' };

  it('keeps the JP Core form and unknown systems as they are', () => {
    const other = { system: 'https://partner.example/sid/org', value: 'x-1' };
    expect(normaliseOrganizationIdentifiers([jp, other])).toEqual({ ok: true, identifiers: [jp, other] });
  });

  it('reads the OID parts .21 + .22 + .23 as one 10-digit code', () => {
    expect(
      normaliseOrganizationIdentifiers([
        { system: 'urn:oid:1.2.392.100495.20.3.21', value: '01' },
        { system: 'urn:oid:1.2.392.100495.20.3.22', value: '1' },
        { system: 'urn:oid:1.2.392.100495.20.3.23', value: '0113719' },
      ]),
    ).toEqual({ ok: true, identifiers: [jp] });
  });

  it('reads a 10-digit code under the .23 OID or an older JP Core system', () => {
    expect(
      normaliseOrganizationIdentifiers([{ system: 'urn:oid:1.2.392.100495.20.3.23', value: '0110113719' }]),
    ).toEqual({ ok: true, identifiers: [jp] });
    expect(
      normaliseOrganizationIdentifiers([
        { system: 'http://jpfhir.jp/fhir/Common/CodeSystem/insurance-medical-institution-no', value: '0110113719' },
        jp,
      ]),
    ).toEqual({ ok: true, identifiers: [jp] });
  });

  it('refuses a code with a wrong check digit, a lone 7-digit code and lone parts', () => {
    const bad = normaliseOrganizationIdentifiers([{ system: medicalInstitutionCodeSystem, value: '0110113718' }]);
    expect(bad).toEqual({ ok: false, message: expect.stringMatching(/check digit/) });
    expect(normaliseOrganizationIdentifiers([{ system: 'urn:oid:1.2.392.100495.20.3.23', value: '0113719' }]).ok).toBe(
      false,
    );
    expect(normaliseOrganizationIdentifiers([{ system: 'urn:oid:1.2.392.100495.20.3.21', value: '01' }]).ok).toBe(
      false,
    );
    expect(normaliseOrganizationIdentifiers([{ system: careProviderNumberSystem, value: '99' }]).ok).toBe(false);
  });
});
