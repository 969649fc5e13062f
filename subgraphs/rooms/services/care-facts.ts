// What rooms tells the care-relationships-changed job (need to know): the
// subject's rooms and their current members, its Forms 8-10, the
// existence checks that ask about it, and the break-glass emergency accesses
// to it with the people they name. And rooms' own copy of the
// relationships, which only that job writes. Ids, statuses and dates only.
import type { PrismaClient } from '../../../lib/database';
import { replaceCareRelationships } from '../../../lib/access/care-relationship-view';
import type { CareRelationship, SubjectCareFacts } from '../../../lib/access/care-relationship';

export type RoomsCareDb = Pick<
  PrismaClient,
  | 'room'
  | 'roomMember'
  | 'roomApplication'
  | 'existenceCheck'
  | 'emergencyAccess'
  | '$queryRaw'
  | '$executeRaw'
  | '$transaction'
>;

/** How the subject is asked about: its birth date, and whether a question's kana name names it (identity folds the kana). */
export interface SubjectQuestionKey {
  birthDate: Date;
  matches: (nameKana: string, birthDate: Date) => boolean;
}

export async function roomsCareFacts(
  db: RoomsCareDb,
  subjectId: string,
  question: SubjectQuestionKey | null,
): Promise<Pick<SubjectCareFacts, 'rooms' | 'applications' | 'existenceChecks' | 'emergencyAccesses'>> {
  const [rooms, applications, checks, emergencies] = await Promise.all([
    db.room.findMany({
      where: { subjectId },
      select: { id: true, status: true, openedAt: true, openedBy: true, closedAt: true },
    }),
    db.roomApplication.findMany({
      where: { subjectId },
      select: { form: true, status: true, facilityId: true, submittedBy: true, submittedAt: true, updatedAt: true },
    }),
    question
      ? db.existenceCheck.findMany({
          where: { birthDate: question.birthDate },
          select: {
            requestedBy: true,
            facilityId: true,
            status: true,
            createdAt: true,
            answeredAt: true,
            nameKana: true,
            birthDate: true,
          },
        })
      : Promise.resolve([]),
    db.emergencyAccess.findMany({
      where: { subjectId },
      select: { declaredAt: true, endsAt: true, endedAt: true, grantees: { select: { userId: true } } },
    }),
  ]);
  const members = rooms.length
    ? await db.roomMember.findMany({
        where: { roomId: { in: rooms.map((room) => room.id) }, removedAt: null },
        select: { roomId: true, userId: true, addedAt: true },
      })
    : [];
  return {
    rooms: rooms.map((room) => ({ ...room, members: members.filter((member) => member.roomId === room.id) })),
    applications,
    existenceChecks: checks.filter((check) => question?.matches(check.nameKana, check.birthDate)),
    emergencyAccesses: emergencies.map(({ grantees, ...access }) => ({
      ...access,
      granteeIds: grantees.map((grantee) => grantee.userId),
    })),
  };
}

/** The question an existence check asks (for the job to find the subjects it names); null when there is no such check. */
export function existenceCheckQuestion(
  db: Pick<PrismaClient, 'existenceCheck'>,
  id: string,
): Promise<{ nameKana: string; birthDate: Date } | null> {
  return db.existenceCheck.findUnique({ where: { id }, select: { nameKana: true, birthDate: true } });
}

export function storeRoomsCareRelationships(
  db: RoomsCareDb,
  subjectId: string,
  relationships: readonly CareRelationship[],
  computedAt: Date,
): Promise<boolean> {
  return replaceCareRelationships(db, 'rooms', subjectId, relationships, computedAt);
}
