// Boundary validation for GraphQL arguments: a zod schema per input, parsed
// before any service is called, failing as BAD_USER_INPUT naming the field.
import { z } from 'zod';
import { badUserInput } from './graphql-errors';

/** `name` names a bare argument (an id, a reason), whose issues have no path of their own. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown, name?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field =
    [name, ...(issue?.path ?? [])].filter((part) => part !== undefined && part !== '').join('.') || undefined;
  throw badUserInput(field ? `${field}: ${issue?.message}` : (issue?.message ?? 'invalid input'), field);
}

/** The one shape of an id in Renkei (any UUID version; case-insensitive). */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** For ids that arrive outside a GraphQL argument (a FHIR reference, a DataLoader key): tested before any query. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

export const uuid = z.string().uuid('must be a valid ID');

/** Text a person typed: trimmed, non-empty, bounded. */
export const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** A calendar date as YYYY-MM-DD that actually exists. */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }, 'must be a real calendar date');

/** Cursor pagination arguments shared by list fields. */
export const pageArgs = (maxFirst: number) =>
  z.object({
    first: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(maxFirst, `must be at most ${maxFirst}`)
      .default(Math.min(50, maxFirst)),
    after: z.string().max(200).optional().nullable(),
  });
