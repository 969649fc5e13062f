// What a partner is told of a subject's consent when our user asks to join
// its room (contract v2, issue 17 part 4): a summary of the current Form 7,
// or nothing when consent is not granted now. Pure. The summary is what the
// contract allows: the purposes, the day it was signed and who signed as a
// role (the subject, or a family member with the relationship), never the
// signer's name, the subject's or the scan.
import type { ConsentState } from './consent-rules';
import { normalizePurposes, type ConsentPurpose } from './consent-form-rules';

export interface JoinConsentSummary {
  purposes: ConsentPurpose[];
  /** YYYY-MM-DD, the day Form 7 was signed. */
  date: string;
  consenter: 'SUBJECT' | 'REPRESENTATIVE';
  relationship: string | null;
}

export interface LatestConsentFacts {
  state: ConsentState;
  signedBy: string | null;
  relationship: string | null;
  signedOn: Date | null;
  purposes: string[];
}

/** Null unless the latest record is a granted, signed consent with at least one purpose (deny by default). */
export function joinConsentSummary(latest: LatestConsentFacts | null): JoinConsentSummary | null {
  if (!latest || latest.state !== 'GRANTED' || !latest.signedOn) return null;
  const purposes = normalizePurposes(latest.purposes as ConsentPurpose[]);
  if (purposes.length === 0) return null;
  const bySubject = latest.signedBy === 'SUBJECT';
  return {
    purposes,
    date: latest.signedOn.toISOString().slice(0, 10),
    consenter: bySubject ? 'SUBJECT' : 'REPRESENTATIVE',
    relationship: bySubject ? null : (latest.relationship ?? null),
  };
}
