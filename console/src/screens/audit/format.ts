// The audit screen's pure rules: what an audit action is called, the
// disclosure request's form as the graph's input, the parts still to
// withhold, a request's history in time order, and a downloaded file's name.
// The graph checks everything again; these only shape what is shown and sent.
import type {
  DisclosurePart,
  DisclosureRequestDetailQuery,
  DisclosureRequester,
  DisclosureRequestInput,
  DisclosureFormat,
  WithholdingGround,
} from '../../../../generated/console/operations';

export const requesters: readonly DisclosureRequester[] = ['SUBJECT', 'FAMILY', 'LEGAL_REPRESENTATIVE'];

export const parts: readonly DisclosurePart[] = [
  'SUBJECT_RECORD',
  'CONSENT',
  'LEGAL_EXCEPTIONS',
  'ROOMS',
  'ACCESS_HISTORY',
];

export const grounds: readonly WithholdingGround[] = [
  'CHILD_REQUIRING_PROTECTION',
  'CHILD_REQUIRING_SUPPORT',
  'SPECIFIC_EXPECTANT_MOTHER',
  'ELDER_ABUSE',
  'DISABLED_ABUSE',
  'RISK_TO_SUBJECT_OR_THIRD_PARTY',
  'SERIOUS_HINDRANCE_TO_SERVICES',
  'VIOLATES_OTHER_LAW',
];

/** An audit action as people read it; one the catalog does not know is shown as its code. */
export function actionLabel(actions: Readonly<Record<string, string>>, action: string): string {
  return Object.prototype.hasOwnProperty.call(actions, action) ? actions[action]! : action;
}

/** Today in Japan as YYYY-MM-DD: the default "received on" (the graph refuses a day in the future). */
export function todayInJapan(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export interface RequestForm {
  subjectId: string;
  requestedBy: DisclosureRequester;
  requesterName: string;
  relationship: string;
  receivedVia: string;
  receivedOn: string;
}

/**
 * The form as the graph's input: trimmed, and the requester's name and relationship only when
 * the subject did not ask (the graph refuses a relationship when the subject asked).
 */
export function requestInput(form: RequestForm): DisclosureRequestInput {
  const bySubject = form.requestedBy === 'SUBJECT';
  const optional = (value: string) => (bySubject || value.trim() === '' ? null : value.trim());
  return {
    subjectId: form.subjectId.trim(),
    requestedBy: form.requestedBy,
    requesterName: optional(form.requesterName),
    relationship: optional(form.relationship),
    receivedVia: form.receivedVia.trim(),
    receivedOn: form.receivedOn,
  };
}

/** The parts not withheld yet, in the report's order. */
export function withholdable(withheld: ReadonlyArray<{ part: DisclosurePart }>): DisclosurePart[] {
  const taken = new Set(withheld.map((w) => w.part));
  return parts.filter((part) => !taken.has(part));
}

type Detail = DisclosureRequestDetailQuery['disclosureRequest'];

export type HistoryStep =
  | { kind: 'recorded'; at: string; by: string }
  | { kind: 'withheld'; at: string; by: string; part: DisclosurePart }
  | { kind: 'exported'; at: string; by: string; format: DisclosureFormat };

/** What happened to the request, oldest first. */
export function historyOf(request: Pick<Detail, 'recordedAt' | 'recordedBy' | 'withheld' | 'exports'>): HistoryStep[] {
  const steps: HistoryStep[] = [
    { kind: 'recorded', at: request.recordedAt, by: request.recordedBy },
    ...request.withheld.map((w): HistoryStep => ({ kind: 'withheld', at: w.decidedAt, by: w.decidedBy, part: w.part })),
    ...request.exports.map((e): HistoryStep => ({
      kind: 'exported',
      at: e.exportedAt,
      by: e.exportedBy,
      format: e.format,
    })),
  ];
  // A stable sort: steps at the same instant keep the order above.
  return steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
