// Contract v2 (issue 17 part 4): the consent under which a join is asked
// travels with the join Task as a contained FHIR R4 Consent, referenced from
// Task.input (type urn:renkei:task-input|consent, valueReference '#consent').
// It is a summary, not the signed form: status, scope patient-privacy, the
// category, the purposes of use (the regulations' purposes, appendix 4(1),
// under our code system), the date and who consented as a role (the subject
// or a representative, with the relationship), never a name, a birth date or
// the scan: a partner deciding a join needs the basis, not the person.
// One builder and one parser, pure, so both ends speak the same shape.
import type { ConsentBasis } from '../../subgraphs/rooms';
import { consentPurposes } from '../../subgraphs/consent';

export const consentInputCode = 'consent';
export const containedConsentId = 'consent';
/** Our codes for the purposes of use (the consent subgraph's ConsentPurpose values). */
export const consentPurposeSystem = 'urn:renkei:consent-purpose';
/** The regulations' consent (Form 7, Art. 19) as the Consent's policy rule. */
export const consentPolicySystem = 'urn:renkei:consent-policy';
export const consentPolicyCode = 'takaoka-form-7';
/** Who consented when not the subject: the relationship, as text (e.g. 長男); never a name. */
export const consenterRelationshipUrl = 'urn:renkei:fhir:extension:consenter-relationship';

const scopeSystem = 'http://terminology.hl7.org/CodeSystem/consentscope';
const loinc = 'http://loinc.org';
const patientConsentLoinc = '59284-0';

export function buildJoinConsent(basis: ConsentBasis): Record<string, unknown> {
  return {
    resourceType: 'Consent',
    id: containedConsentId,
    status: 'active',
    scope: { coding: [{ system: scopeSystem, code: 'patient-privacy' }] },
    category: [{ coding: [{ system: loinc, code: patientConsentLoinc }] }],
    dateTime: basis.date,
    performer: [
      basis.consenter === 'SUBJECT'
        ? { type: 'Patient', display: 'the subject' }
        : {
            type: 'RelatedPerson',
            display: 'a representative of the subject',
            ...(basis.relationship
              ? { extension: [{ url: consenterRelationshipUrl, valueString: basis.relationship }] }
              : {}),
          },
    ],
    policyRule: { coding: [{ system: consentPolicySystem, code: consentPolicyCode }] },
    provision: {
      type: 'permit',
      purpose: basis.purposes.map((code) => ({ system: consentPurposeSystem, code })),
    },
  };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Json => x !== undefined) : []);

export type ParsedConsent = { ok: true; basis: ConsentBasis } | { ok: false; expression: string; message: string };

/**
 * Reads the contained Consent a join Task's consent input references. The
 * Task was validated against R4 already; these are the contract's rules: an
 * active patient-privacy Consent, a date, at least one of our purposes and
 * nothing but ours, a subject or representative as performer.
 */
export function parseJoinConsent(task: Json, input: Json): ParsedConsent {
  const at = 'Task.input:consent';
  const fail = (expression: string, message: string): ParsedConsent => ({ ok: false, expression, message });
  const reference = obj(input.valueReference)?.reference;
  if (reference !== `#${containedConsentId}`)
    return fail(`${at}.valueReference.reference`, `must reference the contained Consent #${containedConsentId}`);
  const consent = arr(task.contained).find((r) => r.resourceType === 'Consent' && r.id === containedConsentId);
  if (!consent) return fail(`${at}.valueReference.reference`, 'names no contained Consent');
  const c = 'Task.contained.Consent';
  if (consent.status !== 'active') return fail(`${c}.status`, 'must be active');
  if (!arr(obj(consent.scope)?.coding).some((x) => x.system === scopeSystem && x.code === 'patient-privacy'))
    return fail(`${c}.scope`, `must be ${scopeSystem}|patient-privacy`);
  const date = typeof consent.dateTime === 'string' ? consent.dateTime.slice(0, 10) : '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return fail(`${c}.dateTime`, 'is required (the day consent was given)');
  const purposes = arr(obj(consent.provision)?.purpose);
  if (purposes.length === 0) return fail(`${c}.provision.purpose`, 'must name at least one purpose of use');
  const codes: string[] = [];
  for (const p of purposes) {
    if (p.system !== consentPurposeSystem || !(consentPurposes as readonly string[]).includes(String(p.code)))
      return fail(`${c}.provision.purpose`, `must be codes of ${consentPurposeSystem}`);
    if (!codes.includes(String(p.code))) codes.push(String(p.code));
  }
  const performers = arr(consent.performer);
  if (performers.length !== 1) return fail(`${c}.performer`, 'must name who consented, once');
  const performer = performers[0] as Json;
  if (performer.type !== 'Patient' && performer.type !== 'RelatedPerson')
    return fail(`${c}.performer.type`, 'must be Patient (the subject) or RelatedPerson (a representative)');
  // A reference or identifier would point at a person: the contract carries the role alone.
  if (performer.reference !== undefined || performer.identifier !== undefined)
    return fail(`${c}.performer`, 'must name the role only, not a person');
  const relationship = arr(performer.extension).find((e) => e.url === consenterRelationshipUrl)?.valueString;
  if (relationship !== undefined && (typeof relationship !== 'string' || relationship.length > 64))
    return fail(`${c}.performer.extension`, 'the relationship must be at most 64 characters');
  return {
    ok: true,
    basis: {
      purposes: codes,
      date,
      consenter: performer.type === 'Patient' ? 'SUBJECT' : 'REPRESENTATIVE',
      relationship: performer.type === 'RelatedPerson' && typeof relationship === 'string' ? relationship : null,
    },
  };
}
