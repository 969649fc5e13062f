// What rooms' resolvers receive: its own tables only and request-scoped
// batch loaders.
import DataLoader from 'dataloader';
import type { PrismaClient } from '../../lib/database';
import type { Room } from '../../generated/prisma/client';
import { loadByIds, loadGrouped } from '../../lib/batch';
import type { Principal } from '../../lib/access/principal';

export type RoomsDb = Pick<PrismaClient, 'room' | '$transaction'>;

export interface RoomsContext {
  principal: Principal;
  db: RoomsDb;
  roomById: DataLoader<string, Room | null>;
  activeRoomBySubject: DataLoader<string, Room | null>;
}

export function createRoomsContext(db: RoomsDb, principal: Principal): RoomsContext {
  return {
    principal,
    db,
    roomById: new DataLoader((ids) => loadByIds(ids, (idList) => db.room.findMany({ where: { id: { in: idList } } }))),
    activeRoomBySubject: new DataLoader((subjectIds) =>
      loadGrouped(
        subjectIds,
        (idList) => db.room.findMany({ where: { subjectId: { in: idList }, status: { not: 'CLOSED' } } }),
        (room) => room.subjectId,
      ),
    ),
  };
}
