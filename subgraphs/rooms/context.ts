// What rooms' resolvers receive: its own tables only and request-scoped
// batch loaders, so a page of posts costs the same number of queries
// whatever its size (membership by room for the caller, reads, revisions).
import DataLoader from 'dataloader';
import type { PrismaClient } from '../../lib/database';
import type { Meeting, PostRevision, Room, RoomMember } from '../../generated/prisma/client';
import { loadByIds, loadGrouped, loadLists } from '../../lib/batch';
import { isUuid } from '../../lib/input';
import type { Principal } from '../../lib/access/principal';
import { careLoader } from '../../lib/access/care-relationship-view';
import type { Logger } from '../../lib/logger';
import type { Metrics } from '../../lib/metrics/metrics';
import { grantInForce } from './emergency/domain/emergency-access-rules';

/** Art. 20-3 outbound joins, our users' memberships in partners' rooms, the exchange's dead letters (and rooms' outbox they write to). */
type OutboundModels =
  | 'outboundJoinRequest'
  | 'outboundJoinStep'
  | 'externalMembership'
  | 'exchangeDeadLetter'
  | 'roomsOutboxEvent';
/** Art. 20-2 inbound joins: share codes, partners' join requests, external participants. */
type InboundModels =
  | 'roomShareCode'
  | 'inboundJoinRequest'
  | 'inboundJoinStep'
  | 'externalParticipant'
  | 'roomsOutboxEvent';
type RoomsModels =
  | InboundModels
  | OutboundModels
  | 'room'
  | 'roomMember'
  | 'roomApplication'
  | 'roomApplicationStep'
  | 'subjectSharing'
  | 'post'
  | 'postRevision'
  | 'postRead'
  | 'meeting'
  | 'roomsAccessRecord'
  | 'existenceCheck'
  | 'existenceCheckStep'
  | 'roomNotice'
  | 'emergencyAccess'
  | 'emergencyAccessGrantee'
  | '$executeRaw';
/** Rooms' view of identity's directory (services/directory-view.ts). */
type DirectoryModels = 'directoryUser' | 'directorySubject' | 'directoryPartner';
export type RoomsDb = Pick<PrismaClient, RoomsModels | DirectoryModels | '$transaction' | '$queryRaw'>;
/** What a service may use inside `db.$transaction(async (tx) => ...)`. */
export type RoomsTx = Pick<PrismaClient, RoomsModels | DirectoryModels>;

export interface RoomsContext {
  principal: Principal;
  db: RoomsDb;
  roomById: DataLoader<string, Room | null>;
  activeRoomBySubject: DataLoader<string, Room | null>;
  /** Whether the caller is a current member, by room id. */
  callerIsMember: DataLoader<string, boolean>;
  membersByRoom: DataLoader<string, RoomMember[]>;
  meetingsByRoom: DataLoader<string, Meeting[]>;
  readersByPost: DataLoader<string, string[]>;
  revisionsByPost: DataLoader<string, PostRevision[]>;
  /** Subject id → whether the caller has a care relationship with it (rooms' copy of the relationships). */
  careOf: DataLoader<string, boolean>;
  /** Refusals already recorded in this request ("roomId:what"), so one query refused on many fields leaves one record. */
  deniedRecorded: Set<string>;
  /** Subject id → the break-glass emergency access the caller reads its rooms under now, or null (emergency/). */
  emergencyGrantOf: DataLoader<string, string | null>;
  /** The clock the emergency access window is read with (start/system.ts's `now`, injectable in tests). */
  now: () => Date;
  /** For the break-glass alert (emergency/services/emergency-access-service.ts); ids only, never personal data. */
  logger: Logger | null;
  /** The break-glass metric (lib/metrics); null: nothing is counted. */
  metrics: Metrics | null;
}

export function createRoomsContext(
  db: RoomsDb,
  principal: Principal,
  options: { now?: () => Date; logger?: Logger; metrics?: Metrics } = {},
): RoomsContext {
  const callerId = principal.kind === 'user' ? principal.userId : null;
  const now = options.now ?? (() => new Date());
  return {
    principal,
    db,
    now,
    logger: options.logger ?? null,
    metrics: options.metrics ?? null,
    emergencyGrantOf: new DataLoader(async (subjectIds) => {
      const ids = [...new Set(subjectIds.filter(isUuid))];
      if (!callerId || ids.length === 0) return subjectIds.map(() => null);
      const at = now();
      const rows = await db.emergencyAccess.findMany({
        where: {
          subjectId: { in: ids },
          declaredAt: { lte: at },
          endsAt: { gt: at },
          OR: [{ endedAt: null }, { endedAt: { gt: at } }],
          grantees: { some: { userId: callerId } },
        },
        select: { id: true, subjectId: true, declaredAt: true, endsAt: true, endedAt: true, reviewedAt: true },
      });
      const accesses = rows.map((row) => ({ ...row, granteeIds: [callerId] }));
      return subjectIds.map((subjectId) => grantInForce(accesses, callerId, subjectId, at));
    }),
    roomById: new DataLoader((ids) => loadByIds(ids, (idList) => db.room.findMany({ where: { id: { in: idList } } }))),
    activeRoomBySubject: new DataLoader((subjectIds) =>
      loadGrouped(
        subjectIds,
        (idList) => db.room.findMany({ where: { subjectId: { in: idList }, status: { not: 'CLOSED' } } }),
        (room) => room.subjectId,
      ),
    ),
    callerIsMember: new DataLoader(async (roomIds) => {
      const ids = [...new Set(roomIds.filter(isUuid))];
      if (!callerId || ids.length === 0) return roomIds.map(() => false);
      const rows = await db.roomMember.findMany({
        where: { roomId: { in: ids }, userId: callerId, removedAt: null },
        select: { roomId: true },
      });
      const member = new Set(rows.map((row) => row.roomId));
      return roomIds.map((id) => member.has(id));
    }),
    membersByRoom: new DataLoader(async (roomIds) => {
      const lists = await loadLists(
        roomIds,
        (valid) =>
          db.roomMember.findMany({
            where: { roomId: { in: valid }, removedAt: null },
            orderBy: [{ addedAt: 'asc' }, { id: 'asc' }],
          }),
        (row) => row.roomId,
      );
      return lists;
    }),
    meetingsByRoom: new DataLoader(async (roomIds) => {
      const lists = await loadLists(
        roomIds,
        (valid) =>
          db.meeting.findMany({ where: { roomId: { in: valid } }, orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }] }),
        (row) => row.roomId,
      );
      return lists;
    }),
    readersByPost: new DataLoader(async (postIds) => {
      const lists = await loadLists(
        postIds,
        (valid) =>
          db.postRead.findMany({ where: { postId: { in: valid } }, orderBy: [{ readAt: 'asc' }, { userId: 'asc' }] }),
        (row) => row.postId,
      );
      return lists.map((reads) => reads.map((read) => read.userId));
    }),
    revisionsByPost: new DataLoader(async (postIds) => {
      const lists = await loadLists(
        postIds,
        (valid) =>
          db.postRevision.findMany({
            where: { postId: { in: valid } },
            orderBy: [{ replacedAt: 'asc' }, { id: 'asc' }],
          }),
        (row) => row.postId,
      );
      return lists;
    }),
    careOf: careLoader(db, 'rooms', principal, () => new Date()),
    deniedRecorded: new Set(),
  };
}
