// Boundary validation for GraphQL arguments: a zod schema per input, parsed
// before any service is called, failing as BAD_USER_INPUT naming the field.
import { z } from 'zod';
import { badUserInput } from './graphql-errors';
import { inputMessage, issueMessage } from './messages/input-issues';
import { aboutField } from './messages/message';

/** `name` names a bare argument (an id, a reason), whose issues have no path of their own. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown, name?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field =
    [name, ...(issue?.path ?? [])].filter((part) => part !== undefined && part !== '').join('.') || undefined;
  const message = issue ? issueMessage(issue) : { en: 'The input is not valid.', ja: '入力が正しくありません。' };
  throw badUserInput(field ? aboutField(field, message) : message, field);
}

/** The one shape of an id in Renkei (any UUID version; case-insensitive). */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** For ids that arrive outside a GraphQL argument (a FHIR reference, a DataLoader key): tested before any query. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

export const uuid = z.string().uuid(inputMessage({ en: 'It must be a valid ID.', ja: '正しい ID にしてください。' }));

/** Text a person typed: trimmed, non-empty, bounded. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, inputMessage({ en: 'It must not be empty.', ja: '入力してください。' }))
    .max(max, inputMessage({ en: `It must be at most ${max} characters.`, ja: `${max}文字以内にしてください。` }));

/** A calendar date as YYYY-MM-DD that actually exists. */
export const calendarDate = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}$/,
    inputMessage({ en: 'Write it as a date, YYYY-MM-DD.', ja: 'YYYY-MM-DD の形式の日付にしてください。' }),
  )
  .refine(
    (value) => {
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
    },
    inputMessage({ en: 'It must be a date that exists.', ja: '実在する日付にしてください。' }),
  );

/** An instant: ISO-8601 with its time zone (a DateTime argument), as a Date. */
export const instant = z
  .string()
  .datetime({
    offset: true,
    message: inputMessage({
      en: 'Write it as an ISO-8601 date and time with a time zone.',
      ja: 'タイムゾーン付きの ISO-8601 の日時にしてください。',
    }),
  })
  .transform((value) => new Date(value));

/** Cursor pagination arguments shared by list fields. */
export const pageArgs = (maxFirst: number) =>
  z.object({
    first: z
      .number()
      .int()
      .min(1, inputMessage({ en: 'It must be at least 1.', ja: '1以上にしてください。' }))
      .max(maxFirst, inputMessage({ en: `It must be at most ${maxFirst}.`, ja: `${maxFirst}以下にしてください。` }))
      .default(Math.min(50, maxFirst)),
    after: z.string().max(200).optional().nullable(),
  });
