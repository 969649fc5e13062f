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
    throw badUserInput('after: is not a cursor returned by this API', 'after');
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
