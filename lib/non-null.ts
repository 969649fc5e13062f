// A non-null field resolved through a by-id loader: the row must exist (a
// foreign key, or a key the subgraph wrote itself), so a miss is a broken
// invariant. It fails the field as GraphQL's own null check would (an
// internal error, nothing about the row sent), but the generated resolver
// types see a value that is never null.
export async function nonNull<T>(row: Promise<T | null> | T | null): Promise<T> {
  const value = await row;
  if (value === null) throw new Error('a row that a non-null field refers to is missing');
  return value;
}
