// Rooms: opening and listing. Opening here is direct; the Form 8 application
// workflow (user, facility manager, deciding manager) and the consent check
// wrap it in the rooms-and-consent work. The subject is referenced by its
// federation key only: rooms cannot see identity's tables, so an unknown
// subject id is not detected here.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { readPage } from '../../../lib/cursor';
import { conflict } from '../../../lib/graphql-errors';
import { pageArgs, text, uuid } from '../../../lib/input';
import type { Room } from '../../../generated/prisma/client';
import { isUniqueViolation } from '../../../lib/db-errors';
import type { Operation } from '../../../lib/access/permissions';
import type { RoomsDb } from '../context';

/**
 * Until room membership exists (rooms-and-consent work), rooms are listed
 * only to the managers who open them (Art. 9-2); room content will be for
 * members only.
 */
export const roomReaders: Operation[] = ['room.decide'];

export const openRoomInput = z.object({ subjectId: uuid, title: text(200) });
export const listRoomsArgs = pageArgs(100);

export async function openRoom(db: RoomsDb, input: z.infer<typeof openRoomInput>): Promise<Room> {
  try {
    return await db.room.create({ data: { id: randomUUID(), subjectId: input.subjectId, title: input.title } });
  } catch (error) {
    // The partial unique index room_one_active_per_subject enforces Art. 9
    // even when two requests race; this is where the race is reported.
    if (isUniqueViolation(error)) {
      throw conflict('this subject already has a room that is not closed');
    }
    throw error;
  }
}

export function listRooms(db: RoomsDb, args: z.infer<typeof listRoomsArgs>) {
  return readPage(
    args,
    'openedAt',
    (where, take) => db.room.findMany({ where, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }], take }),
    (row) => row.openedAt,
  );
}
