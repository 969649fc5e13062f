// The rules of a disclosure request (appendix 5) as pure functions: who may
// have asked, what a report leaves out, and when a part may still be
// withheld. The services apply them inside their transactions.

export const disclosureRequesters = ['SUBJECT', 'FAMILY', 'LEGAL_REPRESENTATIVE'] as const;
export type DisclosureRequester = (typeof disclosureRequesters)[number];

export const disclosureParts = ['SUBJECT_RECORD', 'CONSENT', 'LEGAL_EXCEPTIONS', 'ROOMS', 'ACCESS_HISTORY'] as const;
export type DisclosurePart = (typeof disclosureParts)[number];

/**
 * Grounds for withholding: the Art. 19 protection grounds (where telling the
 * person who asks could expose a child, an expectant mother or an abused
 * person) and the general grounds for not disclosing personal information.
 * Disaster and urgent-risk exceptions justify sharing, not secrecy, so they
 * are covered here only through RISK_TO_SUBJECT_OR_THIRD_PARTY.
 */
export const withholdingGrounds = [
  'CHILD_REQUIRING_PROTECTION',
  'CHILD_REQUIRING_SUPPORT',
  'SPECIFIC_EXPECTANT_MOTHER',
  'ELDER_ABUSE',
  'DISABLED_ABUSE',
  'RISK_TO_SUBJECT_OR_THIRD_PARTY',
  'SERIOUS_HINDRANCE_TO_SERVICES',
  'VIOLATES_OTHER_LAW',
] as const;
export type WithholdingGround = (typeof withholdingGrounds)[number];

export interface Problem {
  field: string;
  message: string;
}

export interface RequesterFacts {
  requestedBy: DisclosureRequester;
  requesterName?: string | null;
  relationship?: string | null;
  receivedOn: string;
}

/** A family member or legal representative names themself and their relationship; the subject does neither. */
export function disclosureRequestProblem(facts: RequesterFacts, today: string): Problem | null {
  if (facts.requestedBy === 'SUBJECT') {
    if (facts.requesterName) return { field: 'requesterName', message: 'must be empty when the subject asked' };
    if (facts.relationship) return { field: 'relationship', message: 'must be empty when the subject asked' };
  } else {
    if (!facts.requesterName) return { field: 'requesterName', message: 'is required when the subject did not ask' };
    if (!facts.relationship) return { field: 'relationship', message: 'is required when the subject did not ask' };
  }
  if (facts.receivedOn > today) return { field: 'receivedOn', message: 'must not be in the future' };
  return null;
}

/** A part can be withheld until the report goes out; after that the subject has seen it. */
export function withholdProblem(
  status: 'RECEIVED' | 'REPORTED',
  alreadyWithheld: readonly string[],
  part: DisclosurePart,
): { code: 'ILLEGAL_TRANSITION' | 'CONFLICT'; message: string } | null {
  if (status !== 'RECEIVED')
    return { code: 'ILLEGAL_TRANSITION', message: 'a part can only be withheld before the report is exported' };
  if (alreadyWithheld.includes(part)) return { code: 'CONFLICT', message: 'this part is already withheld' };
  return null;
}

/** The parts a report as of `asOf` leaves out: those withheld by then. */
export function withheldAsOf<T extends { part: string; decidedAt: Date }>(withholdings: readonly T[], asOf: Date): T[] {
  return withholdings.filter((w) => w.decidedAt.getTime() <= asOf.getTime());
}

/** Whether a report lists a part. */
export function discloses(withheldParts: readonly string[], part: DisclosurePart): boolean {
  return !withheldParts.includes(part);
}
