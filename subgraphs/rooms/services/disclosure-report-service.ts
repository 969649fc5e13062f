// Rooms' part of the disclosure report (appendix 5): the rooms held for the
// subject and rooms' access records about them. Consent owns the request and
// hands the gateway the report's key (requestId, subjectId, asOf) and the
// parts withheld; rooms checks the permission itself, records producing its
// part in its own chain, then reads, in one transaction, so the list holds
// exactly the records `at <= asOf` (its own record included when stamped in
// the same millisecond; otherwise it appears in the next report).
//
// What a room shows: its title, status, period, how many members (current
// and removed), posts per Art. 8 category and meetings; not post bodies or
// minutes. The report tells the subject what is held and who used it; the
// content itself is the providers' record, disclosed by them if asked.
//
// Emergency accesses (break-glass, emergency/) are shown as such, with the
// access history: each declaration (reason, window, grantees, review date;
// not the justification or the findings, which are the city's notes) and the
// records made under it. Their reads are also in roomsAccesses, in order.
import { refusalMessage } from '../../../lib/access/refusals';
import { requireSignedIn } from '../../../lib/access/guard';
import { can } from '../../../lib/access/permissions';
import { isUuid } from '../../../lib/input';
import { badUserInput } from '../../../lib/graphql-errors';
import type { RoomsAccessRecord } from '../../../generated/prisma/client';
import type { RoomsContext, RoomsTx } from '../context';
import { recordAccess } from './access-records';
import { refuse } from './room-guard';

const notAReportKey = {
  en: 'This is not a disclosure report key. Ask for the report through disclosureReport.',
  ja: '開示報告書のキーではありません。disclosureReport から報告書を取得してください。',
};

export interface ReportKey {
  requestId: string;
  subjectId: string;
  asOf: string;
  withheldParts?: string[];
}

export interface DisclosedRoom {
  id: string;
  title: string;
  status: string;
  openedAt: Date;
  closedAt: Date | null;
  closedReason: string | null;
  memberCount: number;
  formerMemberCount: number;
  postsByCategory: Array<{ category: string; count: number }>;
  meetingCount: number;
}

export interface DisclosedEmergencyAccess {
  id: string;
  reason: string;
  declaredAt: Date;
  endsAt: Date;
  endedAt: Date | null;
  reviewedAt: Date | null;
  grantees: Array<{ __typename: 'User'; id: string }>;
  records: ReturnType<typeof toDisclosedAccess>[];
}

export interface RoomsPart {
  rooms: DisclosedRoom[] | null;
  roomsAccesses: ReturnType<typeof toDisclosedAccess>[] | null;
  emergencyAccesses: DisclosedEmergencyAccess[] | null;
}

export function toDisclosedAccess(row: RoomsAccessRecord) {
  return {
    source: 'ROOMS' as const,
    seq: row.seq.toString(),
    at: row.at,
    actor: row.actorId ? { __typename: 'User' as const, id: row.actorId } : null,
    actorRole: row.actorRole,
    action: row.action,
    what: row.what,
    outcome: row.outcome,
    roomId: row.roomId,
  };
}

async function roomsOf(tx: RoomsTx, subjectId: string): Promise<DisclosedRoom[]> {
  const rooms = await tx.room.findMany({ where: { subjectId }, orderBy: [{ openedAt: 'asc' }, { id: 'asc' }] });
  const roomIds = rooms.map((r) => r.id);
  if (roomIds.length === 0) return [];
  const [members, posts, meetings] = await Promise.all([
    tx.roomMember.findMany({ where: { roomId: { in: roomIds } }, select: { roomId: true, removedAt: true } }),
    tx.post.groupBy({
      by: ['roomId', 'category'],
      where: { roomId: { in: roomIds } },
      _count: { _all: true },
      orderBy: [{ roomId: 'asc' }, { category: 'asc' }],
    }),
    tx.meeting.groupBy({
      by: ['roomId'],
      where: { roomId: { in: roomIds } },
      _count: { _all: true },
      orderBy: { roomId: 'asc' },
    }),
  ]);
  return rooms.map((room) => ({
    id: room.id,
    title: room.title,
    status: room.status,
    openedAt: room.openedAt,
    closedAt: room.closedAt,
    closedReason: room.closedReason,
    memberCount: members.filter((m) => m.roomId === room.id && m.removedAt === null).length,
    formerMemberCount: members.filter((m) => m.roomId === room.id && m.removedAt !== null).length,
    postsByCategory: posts
      .filter((p) => p.roomId === room.id)
      .map((p) => ({ category: p.category, count: p._count._all })),
    meetingCount: meetings.find((m) => m.roomId === room.id)?._count._all ?? 0,
  }));
}

export async function produceRoomsPart(ctx: RoomsContext, key: ReportKey): Promise<RoomsPart> {
  const user = requireSignedIn(ctx.principal);
  const subjectId = isUuid(key.subjectId) ? key.subjectId : null;
  if (!can(user, 'disclosure.produce')) {
    throw await refuse(ctx, user, { id: null, subjectId }, 'disclosure-report', {
      allowed: false,
      code: 'FORBIDDEN',
      message: refusalMessage(user.role, ['disclosure.produce']),
    });
  }
  const asOf = new Date(key.asOf);
  // Only consent mints report keys (through the gateway); a malformed one is a bug, refused without reading.
  if (!subjectId || Number.isNaN(asOf.getTime())) throw badUserInput(notAReportKey);
  // Deny by default: without the withheld parts (the gateway supplies them through @requires) nothing is disclosed.
  if (!Array.isArray(key.withheldParts)) throw badUserInput(notAReportKey);
  const withheld = key.withheldParts;
  return ctx.db.$transaction(async (tx) => {
    await recordAccess(tx, {
      actor: user,
      room: { id: null, subjectId },
      action: 'READ',
      what: 'disclosure-report',
      outcome: 'SUCCESS',
    });
    const rooms = withheld.includes('ROOMS') ? null : await roomsOf(tx, subjectId);
    if (withheld.includes('ACCESS_HISTORY')) return { rooms, roomsAccesses: null, emergencyAccesses: null };
    const records = await tx.roomsAccessRecord.findMany({
      where: { subjectId, at: { lte: asOf } },
      orderBy: { seq: 'asc' },
    });
    return {
      rooms,
      roomsAccesses: records.map(toDisclosedAccess),
      emergencyAccesses: await emergencyAccessesOf(tx, subjectId, asOf, records),
    };
  });
}

async function emergencyAccessesOf(
  tx: RoomsTx,
  subjectId: string,
  asOf: Date,
  records: RoomsAccessRecord[],
): Promise<DisclosedEmergencyAccess[]> {
  const declared = await tx.emergencyAccess.findMany({
    where: { subjectId, declaredAt: { lte: asOf } },
    include: { grantees: { orderBy: { userId: 'asc' } } },
    orderBy: [{ declaredAt: 'asc' }, { id: 'asc' }],
  });
  return declared.map((access) => ({
    id: access.id,
    reason: access.reason,
    declaredAt: access.declaredAt,
    endsAt: access.endsAt,
    // As they stood at asOf: a later end or review is not part of this report.
    endedAt: access.endedAt && access.endedAt <= asOf ? access.endedAt : null,
    reviewedAt: access.reviewedAt && access.reviewedAt <= asOf ? access.reviewedAt : null,
    grantees: access.grantees.map((g) => ({ __typename: 'User' as const, id: g.userId })),
    records: records.filter((r) => r.emergencyAccessId === access.id).map(toDisclosedAccess),
  }));
}
