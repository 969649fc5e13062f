// Whether a subject's information may be shared, and on what basis, and
// whether a room's members need written consent (Art. 19, appendix 4(4)).
// Pure: the rooms work calls these when opening a room and before sharing.
import type { ConsentStatus } from './consent-rules';
import { inForce, legalBases, type ExceptionFacts, type LegalBasis } from './legal-exception-rules';

export type SharingGround = 'CONSENT' | LegalBasis;

export interface SharingBasis {
  allowed: boolean;
  basis: SharingGround | null;
  /**
   * The last day (YYYY-MM-DD) the basis holds without anyone acting: the
   * latest review date among the exceptions in force. Null for consent (it
   * holds until withdrawn) and when sharing is not allowed. Whoever keeps a
   * copy of the basis (rooms' view) must stop trusting it after this day.
   */
  validThrough: string | null;
}

/**
 * Granted consent comes first. Otherwise an exception in force (not ended,
 * not past review) allows sharing even when consent was withdrawn: the
 * exceptions exist for people who cannot or will not consent (an abused
 * elder whose family signs, a child requiring protection). When several are
 * in force, the first in the order of Art. 19 names the basis.
 */
export function sharingBasis(
  consentStatus: ConsentStatus,
  exceptions: readonly ExceptionFacts[],
  today: string,
): SharingBasis {
  if (consentStatus === 'GRANTED') return { allowed: true, basis: 'CONSENT', validThrough: null };
  const active = exceptions.filter((e) => inForce(e, today));
  const bases = new Set(active.map((e) => e.basis));
  const basis = legalBases.find((b) => bases.has(b));
  if (!basis) return { allowed: false, basis: null, validThrough: null };
  const validThrough = active.map((e) => e.reviewOn).reduce((latest, day) => (day > latest ? day : latest));
  return { allowed: true, basis, validThrough };
}

/**
 * Medical providers (hospitals and clinics, midwifery homes, pharmacies:
 * 医療提供施設) may rely on implied consent within treatment; care-insurance,
 * disability-welfare and child-welfare providers need written consent (Form
 * 7) before using personal data in case meetings. Any other kind (education
 * bodies, other approved facilities, kinds we do not know) is not a medical
 * provider, so it needs written consent too; and so does a room whose
 * members are not yet known.
 */
const impliedConsentKinds = new Set(['MEDICAL_INSTITUTION', 'MIDWIFERY_HOME', 'PHARMACY']);

export function writtenConsentRequired(memberFacilityKinds: readonly string[]): boolean {
  return memberFacilityKinds.length === 0 || memberFacilityKinds.some((kind) => !impliedConsentKinds.has(kind));
}
