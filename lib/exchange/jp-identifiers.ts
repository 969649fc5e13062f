// The identifiers Japanese systems use for facilities (issue 17 part 5), as
// pure rules: validation for the facility registry (Forms 1-3) and the
// identifier systems a partner exchange puts them under. Shared by identity
// (which validates what an admin records) and the FHIR adapters (which send
// them and read them from partners' Tasks), so both ends apply one rule.
//
// Sources:
// - Medical institution code (医療機関コード, 10 digits): 2-digit prefecture
//   (全国地方公共団体コード, 01-47) + 1-digit fee-schedule code (点数表番号) +
//   the 7-digit code whose last digit is a check digit computed over the
//   whole 10 digits with the Luhn algorithm (modulus 10, weights 2-1), as the
//   prescription form carries it since 保医発0907第5号 (2010); example
//   0110113719. JP Core's CodeSystem JP_MedicalFeeScoreType
//   (jami-fhir-jp-wg/jp-core-v1x, input/fsh/terminologies/JP_MedicalFeeScoreType_CS.fsh)
//   lists the fee-schedule codes 1 医科, 3 歯科, 4 調剤, 5 老人保健施設,
//   6 訪問看護ステーション, 0 助産所: those are accepted, any other digit refused.
//   JP Core names the 10-digit code's system
//   http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no and
//   keeps the older OIDs for its parts: urn:oid:1.2.392.100495.20.3.21
//   (prefecture), .22 (fee-schedule code), .23 (7-digit code).
// - Care-provider number (介護保険事業所番号, 10 digits): 2-digit prefecture
//   (01-47) + 8 digits assigned by the prefecture. No check digit has been
//   published for it, so only length, digits and prefecture are checked.
//   Neither JP Core, JP-CLINS nor any published LTC FHIR guide we found
//   defines a system for it, so it travels under our own fixed URN
//   (careProviderNumberSystem): the same at every installation of this
//   software, unlike our per-installation <FHIR base>/sid/... systems,
//   because the number is national, not ours.

export const medicalInstitutionCodeSystem = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
export const careProviderNumberSystem = 'urn:renkei:id:care-provider-no';

/** JP_MedicalFeeScoreType (JP Core): 0 助産所, 1 医科, 3 歯科, 4 調剤, 5 老人保健施設, 6 訪問看護. */
export const feeScheduleCodes = ['0', '1', '3', '4', '5', '6'] as const;

const oidBase = 'urn:oid:1.2.392.100495.20.3';
export const prefectureOid = `${oidBase}.21`;
export const feeScheduleOid = `${oidBase}.22`;
export const institutionNoOid = `${oidBase}.23`;
// Earlier JP Core drafts wrote the 10-digit code under these; read as the current system.
const olderMedicalInstitutionSystems = [
  'http://jpfhir.jp/fhir/core/CodeSystem/insurance-medical-institution-no',
  'http://jpfhir.jp/fhir/Common/CodeSystem/insurance-medical-institution-no',
];

function prefectureOk(two: string): boolean {
  const n = Number(two);
  return /^\d{2}$/.test(two) && n >= 1 && n <= 47;
}

/** Luhn (modulus 10, weights 2-1 from the right of the check digit) over every digit given. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit that completes `digits` (for fixtures and examples: a code is only ever checked). */
export function luhnCheckDigit(digits: string): string {
  return String([...Array(10).keys()].find((c) => luhnValid(`${digits}${c}`)));
}

/** Why a medical institution code is not one, or null when it is. */
export function medicalInstitutionCodeProblem(code: string): string | null {
  if (!/^\d{10}$/.test(code)) return 'must be 10 digits (prefecture, fee-schedule code, 7-digit code)';
  if (!prefectureOk(code.slice(0, 2))) return 'must start with a prefecture number 01 to 47';
  if (!(feeScheduleCodes as readonly string[]).includes(code[2] as string))
    return `its third digit must be a fee-schedule code (${feeScheduleCodes.join(', ')})`;
  if (!luhnValid(code)) return 'its check digit (the last) does not match';
  return null;
}

/** Why a care-provider number is not one, or null when it is (no check digit is published). */
export function careProviderNumberProblem(number: string): string | null {
  if (!/^\d{10}$/.test(number)) return 'must be 10 digits (prefecture and 8 digits)';
  if (!prefectureOk(number.slice(0, 2))) return 'must start with a prefecture number 01 to 47';
  return null;
}

export interface Identifier {
  system: string;
  value: string;
}

/** A facility's identifiers as we send them, the most specific first (a Reference holds only one). */
export function facilityIdentifiers(
  facility: { id: string; medicalInstitutionCode?: string | null; careProviderNumber?: string | null },
  ourFacilitySystem: string,
): Identifier[] {
  return [
    ...(facility.medicalInstitutionCode
      ? [{ system: medicalInstitutionCodeSystem, value: facility.medicalInstitutionCode }]
      : []),
    ...(facility.careProviderNumber ? [{ system: careProviderNumberSystem, value: facility.careProviderNumber }] : []),
    { system: ourFacilitySystem, value: facility.id },
  ];
}

export type NormalisedIdentifiers = { ok: true; identifiers: Identifier[] } | { ok: false; message: string };

/**
 * A partner's organisation identifiers, normalised: the older OID forms and
 * JP Core drafts' systems become the JP Core URL form (a 10-digit code under
 * .23, or the .21 + .22 + .23 parts together); a medical institution code or
 * a care-provider number that is not valid is refused (deny by default: we
 * would otherwise echo a wrong code as if we had checked it). Identifiers
 * under any other system pass unchanged, as contract v1 allows.
 */
export function normaliseOrganizationIdentifiers(given: Identifier[]): NormalisedIdentifiers {
  const out: Identifier[] = [];
  const part = (oid: string) => given.find((i) => i.system === oid)?.value;
  const prefecture = part(prefectureOid);
  const feeSchedule = part(feeScheduleOid);
  for (const identifier of given) {
    const { system, value } = identifier;
    if (system === prefectureOid || system === feeScheduleOid) {
      if (part(institutionNoOid) === undefined)
        return { ok: false, message: `${system} is only understood with ${institutionNoOid}` };
      continue;
    }
    let code: string | null = null;
    if (system === medicalInstitutionCodeSystem || olderMedicalInstitutionSystems.includes(system)) code = value;
    else if (system === institutionNoOid) {
      if (/^\d{10}$/.test(value)) code = value;
      else if (/^\d{7}$/.test(value) && prefecture !== undefined && feeSchedule !== undefined)
        code = `${prefecture}${feeSchedule}${value}`;
      else
        return {
          ok: false,
          message: `${institutionNoOid} needs 10 digits, or 7 with ${prefectureOid} and ${feeScheduleOid}`,
        };
    }
    if (code !== null) {
      const problem = medicalInstitutionCodeProblem(code);
      if (problem) return { ok: false, message: `the medical institution code ${problem}` };
      if (!out.some((i) => i.system === medicalInstitutionCodeSystem && i.value === code))
        out.push({ system: medicalInstitutionCodeSystem, value: code });
      continue;
    }
    if (system === careProviderNumberSystem) {
      const problem = careProviderNumberProblem(value);
      if (problem) return { ok: false, message: `the care-provider number ${problem}` };
    }
    out.push({ system, value });
  }
  return { ok: true, identifiers: out };
}
