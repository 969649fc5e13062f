// The content of Forms 1-5, validated at the boundary before anything is
// stored. Pure: schemas and the rules that only need the form itself.
import { z } from 'zod';
import { calendarDate, text, uuid } from '../../../lib/input';
import { roles } from '../../../lib/access/principal';
import { isKanaName } from './subject-rules';
import { careProviderNumberProblem, medicalInstitutionCodeProblem } from '../../../lib/exchange/jp-identifiers';
import { inputMessage } from '../../../lib/messages/input-issues';
import type { Message } from '../../../lib/messages/message';

export const facilityKinds = [
  'MEDICAL_INSTITUTION',
  'MIDWIFERY_HOME',
  'PHARMACY',
  'CARE_INSURANCE_SERVICE',
  'DISABILITY_WELFARE_SERVICE',
  'CHILD_WELFARE_FACILITY',
  'EDUCATION_BODY',
  'OTHER_APPROVED',
] as const;

/** A code checked by one of lib/exchange/jp-identifiers.ts's rules; the message names the rule that failed. */
const checkedCode = (problem: (value: string) => string | null) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const why = problem(value);
      if (why) ctx.addIssue({ code: z.ZodIssueCode.custom, message: inputMessage(codeProblemMessage(why)) });
    });

/** The rule's English (shared with the partner exchange) beside its Japanese. */
function codeProblemMessage(why: string): Message {
  const known: Record<string, string> = {
    'must be 10 digits (prefecture, fee-schedule code, 7-digit code)':
      '10桁（都道府県番号、点数表番号、7桁の番号）にしてください。',
    'must be 10 digits (prefecture and 8 digits)': '10桁（都道府県番号と8桁の番号）にしてください。',
    'must start with a prefecture number 01 to 47': '01～47の都道府県番号で始めてください。',
    'its check digit (the last) does not match': '検証番号（最後の桁）が一致しません。番号を確認してください。',
  };
  const en = `It ${why}.`;
  return { en, ja: known[why] ?? `番号が正しくありません（${why}）。` };
}

const facilityFields = {
  name: text(200),
  kind: z.enum(facilityKinds),
  insideCity: z.boolean(),
  outsideCityReason: text(500).optional().nullable(),
  address: text(300),
  /** 医療機関コード (10 digits, Luhn check digit), for facilities that have one. */
  medicalInstitutionCode: checkedCode(medicalInstitutionCodeProblem).optional().nullable(),
  /** 介護保険事業所番号 (10 digits), for care providers. */
  careProviderNumber: checkedCode(careProviderNumberProblem).optional().nullable(),
};

/** Art. 6(2): a facility outside the city must say which subject's support it takes part in. */
const outsideCityNeedsReason = (value: { insideCity?: boolean | null; outsideCityReason?: string | null }) =>
  value.insideCity !== false || Boolean(value.outsideCityReason);
const outsideCityMessage = {
  message: inputMessage({
    en: 'A facility outside the city must state whose support it takes part in (Art. 6(2)).',
    ja: '市外の施設は、どの対象者の支援に参加するかを記入してください（第6条第2項）。',
  }),
  path: ['outsideCityReason'],
};

export const form1 = z.object(facilityFields).strict().refine(outsideCityNeedsReason, outsideCityMessage);

export const form2 = z
  .object({
    name: facilityFields.name.optional(),
    kind: facilityFields.kind.optional(),
    insideCity: facilityFields.insideCity.optional(),
    outsideCityReason: facilityFields.outsideCityReason,
    address: facilityFields.address.optional(),
    // null removes a code; absent leaves it as it is.
    medicalInstitutionCode: facilityFields.medicalInstitutionCode,
    careProviderNumber: facilityFields.careProviderNumber,
    reason: text(500),
  })
  .strict()
  .refine(
    (v) =>
      [
        'name',
        'kind',
        'insideCity',
        'outsideCityReason',
        'address',
        'medicalInstitutionCode',
        'careProviderNumber',
      ].some((k) => v[k as keyof typeof v] !== undefined),
    {
      message: inputMessage({
        en: 'Name at least one thing to change.',
        ja: '変更する項目を1つ以上指定してください。',
      }),
    },
  )
  .refine(outsideCityNeedsReason, outsideCityMessage);

export const form3 = z.object({ reason: text(500), eventDate: calendarDate }).strict();

export const pledgeTextVersions = ['2024-08-01'] as const;

export const form4 = z
  .object({
    name: text(100),
    nameKana: text(100).refine(
      isKanaName,
      inputMessage({ en: 'Write it in hiragana or katakana.', ja: 'ひらがなまたはカタカナで入力してください。' }),
    ),
    role: z.enum(roles),
    /** The department (ADMIN_MANAGER) or hospital (HOSPITAL_MANAGER), by its code. */
    orgUnitCode: text(100).optional().nullable(),
    pledge: z
      .object({
        agreed: z.literal(true, {
          errorMap: () => ({
            message: inputMessage({
              en: 'The confidentiality pledge must be agreed to.',
              ja: '誓約書（守秘義務）への同意が必要です。',
            }),
          }),
        }),
        pledgedOn: calendarDate,
        textVersion: z.enum(pledgeTextVersions, {
          errorMap: () => ({
            message: inputMessage({
              en: `It must be an edition of the pledge text this network knows: ${pledgeTextVersions.join(', ')}.`,
              ja: `このネットワークの誓約書の版（${pledgeTextVersions.join('、')}）を指定してください。`,
            }),
          }),
        }),
      })
      .strict(),
  })
  .strict()
  .refine((v) => (v.role === 'ADMIN_MANAGER' || v.role === 'HOSPITAL_MANAGER') === Boolean(v.orgUnitCode), {
    message: inputMessage({
      en: 'An administrative or hospital manager needs its department or hospital (orgUnitCode); leave it empty for other roles.',
      ja: '行政管理者と病院管理者には所属の課または病院（orgUnitCode）が必要です。ほかの役割では空にしてください。',
    }),
    path: ['orgUnitCode'],
  });

export const form5 = z
  .object({
    userId: uuid,
    change: z.enum(['CHANGE', 'RETIRE']),
    /** The day the change happened (transfer, retirement); Art. 17-3 wants the form within 14 days. */
    eventDate: calendarDate,
    name: text(100).optional(),
    nameKana: text(100)
      .refine(
        isKanaName,
        inputMessage({ en: 'Write it in hiragana or katakana.', ja: 'ひらがなまたはカタカナで入力してください。' }),
      )
      .optional(),
    role: z.enum(roles).optional(),
    orgUnitCode: text(100).optional().nullable(),
    reason: text(500),
  })
  .strict()
  .refine((v) => v.change === 'RETIRE' || v.name !== undefined || v.nameKana !== undefined || v.role !== undefined, {
    message: inputMessage({
      en: 'A CHANGE must change the name, kana or role.',
      ja: 'CHANGE では氏名、かな、役割のいずれかを変更してください。',
    }),
  })
  .refine(
    (v) =>
      v.role === undefined
        ? !v.orgUnitCode
        : (v.role === 'ADMIN_MANAGER' || v.role === 'HOSPITAL_MANAGER') === Boolean(v.orgUnitCode),
    {
      message: inputMessage({
        en: 'A new administrative or hospital manager role needs its department or hospital (orgUnitCode); leave it empty for other roles or no role change.',
        ja: '行政管理者または病院管理者への変更には所属の課または病院（orgUnitCode）が必要です。ほかの役割や役割を変えない場合は空にしてください。',
      }),
      path: ['orgUnitCode'],
    },
  );

export type Form1 = z.infer<typeof form1>;
export type Form2 = z.infer<typeof form2>;
export type Form3 = z.infer<typeof form3>;
export type Form4 = z.infer<typeof form4>;
export type Form5 = z.infer<typeof form5>;

/**
 * Art. 17-3: a Form 5 is due within 14 days of the event it reports. Days
 * are Japanese calendar days: late from midnight (JST) starting the 15th day.
 */
export function isLateSubmission(eventDate: string, submittedAt: Date): boolean {
  const due = new Date(`${eventDate}T00:00:00+09:00`).getTime() + 15 * 24 * 3600 * 1000;
  return submittedAt.getTime() >= due;
}

/** Roles an admin manager may not create or grant: its peers and superiors. */
export function onlySystemAdminMayGrant(role: (typeof roles)[number]): boolean {
  return role === 'SYSTEM_ADMIN' || role === 'ADMIN_MANAGER' || role === 'HOSPITAL_MANAGER';
}
