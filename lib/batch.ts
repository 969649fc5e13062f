// DataLoader batch functions: one query for a whole batch of keys, results
// returned in key order with null for keys that match no row (including
// keys that are not well-formed IDs, which are never sent to the database).
import { isUuid } from './input';

/** The well-formed ids among `keys`, once each: the only keys ever sent to the database. */
function wellFormed(keys: readonly string[]): string[] {
  return [...new Set(keys.filter(isUuid))];
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
  const valid = wellFormed(keys);
  const rows = valid.length > 0 ? await fetch(valid) : [];
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Every row of each key (a room's members, a subject's consent history), in the order `fetch` returned them. */
export async function loadLists<T>(
  keys: readonly string[],
  fetch: (keys: string[]) => Promise<T[]>,
  keyOf: (row: T) => string,
): Promise<T[][]> {
  const valid = wellFormed(keys);
  const rows = valid.length > 0 ? await fetch(valid) : [];
  const byKey = new Map<string, T[]>();
  for (const row of rows) {
    const list = byKey.get(keyOf(row));
    if (list) list.push(row);
    else byKey.set(keyOf(row), [row]);
  }
  return keys.map((key) => byKey.get(key) ?? []);
}
