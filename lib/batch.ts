// DataLoader batch functions: one query for a whole batch of keys, results
// returned in key order with null for keys that match no row (including
// keys that are not well-formed IDs, which are never sent to the database).
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

export async function loadByIds<T extends { id: string }>(
  ids: readonly string[],
  fetch: (ids: string[]) => Promise<T[]>,
): Promise<Array<T | null>> {
  return loadGrouped(ids, fetch, (row) => row.id);
}

/** Like loadByIds, keyed by any column that identifies at most one row per key. */
export async function loadGrouped<T>(
  keys: readonly string[],
  fetch: (keys: string[]) => Promise<T[]>,
  keyOf: (row: T) => string,
): Promise<Array<T | null>> {
  const valid = [...new Set(keys.filter(isUuid))];
  const rows = valid.length > 0 ? await fetch(valid) : [];
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}
