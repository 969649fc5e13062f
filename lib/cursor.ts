// Opaque keyset cursors: (timestamp, id) pairs encoded as base64url, so
// pages stay stable while rows are added and never need OFFSET scans.
import { badUserInput } from './graphql-errors';

export interface KeysetPosition {
  at: Date;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const [iso, id, extra] = decoded.split('|');
  const at = new Date(iso ?? '');
  if (extra !== undefined || !id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(at.getTime())) {
    throw badUserInput(
      {
        en: 'after: It is not a cursor this API returned. Pass the endCursor of the previous page.',
        ja: 'after: この API が返したカーソルではありません。前のページの endCursor を指定してください。',
      },
      'after',
    );
  }
  return { at, id };
}

/** Prisma `where` for rows strictly after the position in (at DESC, id DESC) order. */
export function afterPosition(field: string, position: KeysetPosition | undefined) {
  if (!position) return {};
  return {
    OR: [{ [field]: { lt: position.at } }, { [field]: position.at, id: { lt: position.id } }],
  };
}

/**
 * Reads one page in (at DESC, id DESC) order: asks for one row more than
 * the page to learn whether a next page exists, without a COUNT.
 */
export async function readPage<T extends { id: string }>(
  args: { first: number; after?: string | null },
  field: string,
  fetch: (where: ReturnType<typeof afterPosition>, take: number) => Promise<T[]>,
  positionOf: (row: T) => Date,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const rows = await fetch(afterPosition(field, args.after ? decodeCursor(args.after) : undefined), args.first + 1);
  const items = rows.slice(0, args.first);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > args.first && last ? encodeCursor({ at: positionOf(last), id: last.id }) : null,
  };
}
