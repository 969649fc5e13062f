// The content of Forms 1-5, validated at the boundary before anything is
// stored. Pure: schemas and the rules that only need the form itself.
import { z } from 'zod';
import { calendarDate, text, uuid } from '../../../lib/input';
import { roles } from '../../../lib/access/principal';
import { isKanaName } from './subject-rules';
import { careProviderNumberProblem, medicalInstitutionCodeProblem } from '../../../lib/exchange/jp-identifiers';

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
      if (why) ctx.addIssue({ code: z.ZodIssueCode.custom, message: why });
    });

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
  message: 'a facility outside the city must state whose support it takes part in (Art. 6(2))',
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
      message: 'name at least one thing to change',
    },
  )
  .refine(outsideCityNeedsReason, outsideCityMessage);

export const form3 = z.object({ reason: text(500), eventDate: calendarDate }).strict();

export const pledgeTextVersions = ['2024-08-01'] as const;

export const form4 = z
  .object({
    name: text(100),
    nameKana: text(100).refine(isKanaName, 'must be written in hiragana or katakana'),
    role: z.enum(roles),
    /** The department (ADMIN_MANAGER) or hospital (HOSPITAL_MANAGER), by its code. */
    orgUnitCode: text(100).optional().nullable(),
    pledge: z
      .object({
        agreed: z.literal(true, { errorMap: () => ({ message: 'the confidentiality pledge must be agreed to' }) }),
        pledgedOn: calendarDate,
        textVersion: z.enum(pledgeTextVersions, {
          errorMap: () => ({
            message: `must be an edition of the pledge text this network knows: ${pledgeTextVersions.join(', ')}`,
          }),
        }),
      })
      .strict(),
  })
  .strict()
  .refine((v) => (v.role === 'ADMIN_MANAGER' || v.role === 'HOSPITAL_MANAGER') === Boolean(v.orgUnitCode), {
    message: 'an admin or hospital manager needs its department or hospital (orgUnitCode), and other roles none',
    path: ['orgUnitCode'],
  });

export const form5 = z
  .object({
    userId: uuid,
    change: z.enum(['CHANGE', 'RETIRE']),
    /** The day the change happened (transfer, retirement); Art. 17-3 wants the form within 14 days. */
    eventDate: calendarDate,
    name: text(100).optional(),
    nameKana: text(100).refine(isKanaName, 'must be written in hiragana or katakana').optional(),
    role: z.enum(roles).optional(),
    orgUnitCode: text(100).optional().nullable(),
    reason: text(500),
  })
  .strict()
  .refine((v) => v.change === 'RETIRE' || v.name !== undefined || v.nameKana !== undefined || v.role !== undefined, {
    message: 'a CHANGE must change the name, kana or role',
  })
  .refine(
    (v) =>
      v.role === undefined
        ? !v.orgUnitCode
        : (v.role === 'ADMIN_MANAGER' || v.role === 'HOSPITAL_MANAGER') === Boolean(v.orgUnitCode),
    {
      message:
        'a new admin or hospital manager role needs its department or hospital (orgUnitCode); other roles, or no role change, none',
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
