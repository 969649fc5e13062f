// Pure rules for the Art. 19 exceptions: sharing without consent on a legal
// basis the city decides (child welfare under 児童福祉法 Art. 25-3, abuse,
// disasters, urgent risks). Where the regulations are silent we read them
// narrowly:
// - the review date must be after today and at most a year ahead, so no
//   exception runs unreviewed indefinitely;
// - an exception past its review date no longer counts as a basis for
//   sharing (see sharing-rules.ts) until the city records a new one;
// - one active exception per basis per subject: a second would only blur
//   which decision is in force.
import { oneYearAfter } from './calendar';
import type { FieldProblem } from './consent-form-rules';
import type { Message } from '../../../lib/messages/message';

export const legalBases = [
  'CHILD_REQUIRING_PROTECTION', // 要保護児童
  'CHILD_REQUIRING_SUPPORT', // 要支援児童
  'SPECIFIC_EXPECTANT_MOTHER', // 特定妊婦
  'ELDER_ABUSE',
  'DISABLED_ABUSE',
  'DISASTER',
  'URGENT_RISK_TO_LIFE_BODY_PROPERTY',
] as const;
export type LegalBasis = (typeof legalBases)[number];

export interface ExceptionFacts {
  basis: LegalBasis;
  /** YYYY-MM-DD */
  reviewOn: string;
  endedAt: Date | null;
}

export function reviewDateProblem(reviewOn: string, today: string): FieldProblem | null {
  if (reviewOn <= today)
    return { field: 'reviewOn', message: { en: 'It must be in the future.', ja: '未来の日付にしてください。' } };
  if (reviewOn > oneYearAfter(today))
    return {
      field: 'reviewOn',
      message: { en: 'It must be at most one year ahead.', ja: '1年以内の日付にしてください。' },
    };
  return null;
}

/** CONFLICT when the subject already has an active exception on the same basis. */
export function duplicateProblem(
  basis: LegalBasis,
  active: readonly Pick<ExceptionFacts, 'basis' | 'endedAt'>[],
): Message | null {
  return active.some((e) => e.endedAt === null && e.basis === basis)
    ? {
        en: `An exception on ${basis} is already in force for this subject.`,
        ja: `この対象者には ${basis} による例外がすでに適用されています。`,
      }
    : null;
}

/** ILLEGAL_TRANSITION when the exception has already ended. */
export function endProblem(exception: Pick<ExceptionFacts, 'endedAt'>): Message | null {
  return exception.endedAt ? { en: 'The exception has already ended.', ja: 'この例外はすでに終了しています。' } : null;
}

/** Active and not past its review date: what may justify sharing today. */
export function inForce(exception: ExceptionFacts, today: string): boolean {
  return exception.endedAt === null && exception.reviewOn >= today;
}
