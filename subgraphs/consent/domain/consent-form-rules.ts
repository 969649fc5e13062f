// Pure rules for Form 6 (the explanation) and Form 7 (the signed consent),
// Art. 19 and appendix 4(1). Shapes and lengths are checked at the GraphQL
// boundary; these are the rules that relate fields to each other and to
// today. Each problem names the input field it is about.
import type { Message } from '../../../lib/messages/message';

/** The purposes of use a subject may consent to (appendix 4(1)); the consent's scope. */
export const consentPurposes = [
  'PROVIDE_SERVICES', // providing medical, care and disability services
  'COORDINATE_PROVIDERS', // coordination among hospitals, clinics, pharmacies, visiting nurses, care providers
  'ANSWER_PROVIDER_ENQUIRIES', // answering other providers' enquiries
  'SEEK_OUTSIDE_MEDICAL_ADVICE', // seeking outside doctors' advice
  'EXPLAIN_TO_FAMILY',
  'IMPROVE_SERVICES',
  'SERVICE_STAFF_MEETINGS', // サービス担当者会議 and case meetings
  'PREGNANCY_TO_CHILD_REARING_SUPPORT', // continuous support from pregnancy through child-rearing
] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

export const signatories = ['SUBJECT', 'FAMILY'] as const;
export type Signatory = (typeof signatories)[number];

export interface ConsentForm {
  explanation: { explainedOn: string };
  signature: { signedBy: Signatory; signerName?: string | null; relationship?: string | null; signedOn: string };
  purposes: ConsentPurpose[];
}

export interface FieldProblem {
  field: string;
  /** A sentence to show after the field's name. */
  message: Message;
}

/** The first problem with a consent form, or null. Dates are YYYY-MM-DD; `today` is the date in Japan. */
export function consentFormProblem(form: ConsentForm, today: string): FieldProblem | null {
  const { explanation, signature } = form;
  if (form.purposes.length === 0)
    return {
      field: 'purposes',
      message: { en: 'Name at least one purpose of use.', ja: '利用目的を1つ以上指定してください。' },
    };
  if (signature.signedBy === 'FAMILY') {
    if (!signature.signerName)
      return {
        field: 'signature.signerName',
        message: { en: 'Name the family member who signs.', ja: '署名した家族の氏名を入力してください。' },
      };
    if (!signature.relationship)
      return {
        field: 'signature.relationship',
        message: {
          en: "Give the family member's relationship to the subject.",
          ja: '署名した家族と対象者との続柄を入力してください。',
        },
      };
  } else if (signature.relationship) {
    return {
      field: 'signature.relationship',
      message: {
        en: 'Leave it empty: a relationship applies only when a family member signs.',
        ja: '続柄は家族が署名した場合だけ入力します。空にしてください。',
      },
    };
  }
  if (explanation.explainedOn > today)
    return {
      field: 'explanation.explainedOn',
      message: { en: 'It must not be in the future.', ja: '未来の日付は指定できません。' },
    };
  if (signature.signedOn > today)
    return {
      field: 'signature.signedOn',
      message: { en: 'It must not be in the future.', ja: '未来の日付は指定できません。' },
    };
  if (signature.signedOn < explanation.explainedOn)
    return {
      field: 'signature.signedOn',
      message: {
        en: 'It must not be before the explanation (Form 6).',
        ja: '説明（様式6）の日より前の日付は指定できません。',
      },
    };
  return null;
}

/** The purposes once each, in the order of appendix 4(1), so equal scopes are stored alike. */
export function normalizePurposes(purposes: readonly ConsentPurpose[]): ConsentPurpose[] {
  return consentPurposes.filter((purpose) => purposes.includes(purpose));
}
