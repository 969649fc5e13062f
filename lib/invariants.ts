// What resolvers know about stored data but the types do not: a row a
// non-null field refers to exists, and a text column holds one of its enum's
// values (the zod schemas only let such values in). A broken invariant fails
// the field as graphql-js would (an internal error, nothing of the row sent);
// the generated resolver types see the narrower type.

/** A non-null field resolved through a by-id loader: the row must exist (a foreign key, or a key the subgraph wrote). */
export async function nonNull<T>(row: Promise<T | null> | T | null): Promise<T> {
  const value = await row;
  if (value === null) throw new Error('a row that a non-null field refers to is missing');
  return value;
}

/** A text column that the schema types as an enum: one of `values`, which the input was checked against. */
export function storedEnum<T extends string>(values: readonly T[], stored: string): T {
  const value = values.find((candidate) => candidate === stored);
  if (value === undefined) throw new Error('a stored value is not one of its enum values');
  return value;
}
