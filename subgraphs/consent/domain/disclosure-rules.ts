// The rules of a disclosure request (appendix 5) as pure functions: who may
// have asked, what a report leaves out, and when a part may still be
// withheld. The services apply them inside their transactions.
import type { Message } from '../../../lib/messages/message';

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
  /** A sentence to show after the field's name. */
  message: Message;
}

const emptyWhenSubjectAsked: Message = {
  en: 'Leave it empty when the subject asked.',
  ja: '対象者本人からの請求では空にしてください。',
};
const requiredWhenOthersAsked: Message = {
  en: 'Give it when someone other than the subject asked.',
  ja: '対象者本人以外からの請求では入力してください。',
};

export interface RequesterFacts {
  requestedBy: DisclosureRequester;
  requesterName?: string | null;
  relationship?: string | null;
  receivedOn: string;
}

/** A family member or legal representative names themself and their relationship; the subject does neither. */
export function disclosureRequestProblem(facts: RequesterFacts, today: string): Problem | null {
  if (facts.requestedBy === 'SUBJECT') {
    if (facts.requesterName) return { field: 'requesterName', message: emptyWhenSubjectAsked };
    if (facts.relationship) return { field: 'relationship', message: emptyWhenSubjectAsked };
  } else {
    if (!facts.requesterName) return { field: 'requesterName', message: requiredWhenOthersAsked };
    if (!facts.relationship) return { field: 'relationship', message: requiredWhenOthersAsked };
  }
  if (facts.receivedOn > today)
    return {
      field: 'receivedOn',
      message: { en: 'It must not be in the future.', ja: '未来の日付は指定できません。' },
    };
  return null;
}

/** A part can be withheld until the report goes out; after that the subject has seen it. */
export function withholdProblem(
  status: 'RECEIVED' | 'REPORTED',
  alreadyWithheld: readonly string[],
  part: DisclosurePart,
): { code: 'ILLEGAL_TRANSITION' | 'CONFLICT'; message: Message } | null {
  if (status !== 'RECEIVED')
    return {
      code: 'ILLEGAL_TRANSITION',
      message: {
        en: 'A part can only be withheld before the report is exported.',
        ja: '開示しない部分を決められるのは、報告書を出力する前だけです。',
      },
    };
  if (alreadyWithheld.includes(part))
    return {
      code: 'CONFLICT',
      message: { en: 'This part is already withheld.', ja: 'この部分はすでに開示しないことになっています。' },
    };
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
