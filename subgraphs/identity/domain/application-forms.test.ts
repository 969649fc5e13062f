import { form1, form2, form4, form5, isLateSubmission, onlySystemAdminMayGrant } from './application-forms';

describe('application forms', () => {
  const facility = { name: '高岡薬局', kind: 'PHARMACY', insideCity: true, address: '高岡市広小路7-50' };

  it('requires an outside-city facility to state whose support it takes part in (Art. 6(2))', () => {
    expect(form1.safeParse(facility).success).toBe(true);
    expect(form1.safeParse({ ...facility, insideCity: false }).success).toBe(false);
    expect(form1.safeParse({ ...facility, insideCity: false, outsideCityReason: '対象者Aの訪問看護' }).success).toBe(
      true,
    );
    expect(form1.safeParse({ ...facility, extra: 1 }).success).toBe(false);
  });

  it('checks the medical institution code and care-provider number (issue 17 part 5), naming the field', () => {
    const codes = { medicalInstitutionCode: '0110113719', careProviderNumber: '1670100001' };
    expect(form1.safeParse({ ...facility, ...codes }).success).toBe(true);
    expect(form1.safeParse({ ...facility, medicalInstitutionCode: null }).success).toBe(true);
    for (const [field, value, why] of [
      ['medicalInstitutionCode', '0110113718', /check digit/],
      ['medicalInstitutionCode', '011011371', /10 digits/],
      ['medicalInstitutionCode', '4810113714', /prefecture/],
      ['medicalInstitutionCode', '0120113717', /fee-schedule/],
      ['careProviderNumber', '167010000', /10 digits/],
      ['careProviderNumber', '9970100001', /prefecture/],
    ] as const) {
      const result = form1.safeParse({ ...facility, [field]: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([field]);
      expect(result.error?.issues[0]?.message).toMatch(why);
      expect(form2.safeParse({ reason: '訂正', [field]: value }).success).toBe(false);
    }
    // A Form 2 may set or remove (null) a code, and that alone is a change.
    expect(form2.safeParse({ reason: '指定', careProviderNumber: '1670100001' }).success).toBe(true);
    expect(form2.safeParse({ reason: '廃止', medicalInstitutionCode: null }).success).toBe(true);
  });

  it('requires a Form 2 to change something', () => {
    expect(form2.safeParse({ reason: '移転' }).success).toBe(false);
    expect(form2.safeParse({ reason: '移転', address: '高岡市中川1-1' }).success).toBe(true);
  });

  it('requires the pledge and a department or hospital exactly for managers', () => {
    const user = {
      name: '高岡 次郎',
      nameKana: 'タカオカ ジロウ',
      role: 'USER',
      pledge: { agreed: true, pledgedOn: '2026-11-20', textVersion: '2024-08-01' },
    };
    expect(form4.safeParse(user).success).toBe(true);
    expect(form4.safeParse({ ...user, pledge: { ...user.pledge, agreed: false } }).success).toBe(false);
    expect(form4.safeParse({ ...user, role: 'HOSPITAL_MANAGER' }).success).toBe(false);
    expect(form4.safeParse({ ...user, role: 'HOSPITAL_MANAGER', orgUnitCode: 'takaoka-shimin' }).success).toBe(true);
    expect(form4.safeParse({ ...user, orgUnitCode: 'takaoka-shimin' }).success).toBe(false);
  });

  it('requires a Form 5 change to change something', () => {
    const base = { userId: '0a921851-8bf2-4d1d-8a04-d58560765d90', eventDate: '2026-11-01', reason: '退職' };
    expect(form5.safeParse({ ...base, change: 'RETIRE' }).success).toBe(true);
    expect(form5.safeParse({ ...base, change: 'CHANGE' }).success).toBe(false);
    expect(form5.safeParse({ ...base, change: 'CHANGE', role: 'HOSPITAL_MANAGER' }).success).toBe(false);
    expect(
      form5.safeParse({ ...base, change: 'CHANGE', role: 'HOSPITAL_MANAGER', orgUnitCode: 'takaoka-shimin' }).success,
    ).toBe(true);
    expect(
      form5.safeParse({ ...base, change: 'CHANGE', name: '新しい 名前', orgUnitCode: 'takaoka-shimin' }).success,
    ).toBe(false);
  });

  it('flags a Form 5 submitted later than 14 days after the event (Art. 17-3)', () => {
    expect(isLateSubmission('2026-11-01', new Date('2026-11-15T23:59:59+09:00'))).toBe(false);
    // Japanese calendar days: 08:00 JST on the 16th is 23:00 UTC on the 15th, and late.
    expect(isLateSubmission('2026-11-01', new Date('2026-11-16T08:00:00+09:00'))).toBe(true);
  });

  it('keeps manager roles for the system admin to grant', () => {
    expect(onlySystemAdminMayGrant('ADMIN_MANAGER')).toBe(true);
    expect(onlySystemAdminMayGrant('USER')).toBe(false);
    expect(onlySystemAdminMayGrant('FACILITY_MANAGER')).toBe(false);
  });
});
