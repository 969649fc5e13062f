// Subjects (care recipients, Art. 5): registration with the Art. 5 facts,
// and look-up by kana name and birth date however the kana was typed.
//
// One person, one subject: a registration whose folded kana name and birth
// date match a subject already registered is refused with CONFLICT. The
// refusal names neither that subject nor its id: the registrant may look it
// up with findSubjects, which is permissioned and audited like every read.
// name_key has only a plain index (rows from before it may hold null), so
// the check and the insert run under a transaction-scoped advisory lock on
// the match key: two concurrent registrations of one person serialize, and
// the second sees the first.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { calendarDate, text } from '../../../lib/input';
import { appError } from '../../../lib/graphql-errors';
import type { Subject } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';
import { forbid, requireUser } from './access-guard';
import { recordAudit, recordAuditAlone } from './audit-service';
import { maySeeSubjects } from './directory-service';
import { normalizeKanaName, subjectMatchKey } from '../domain/name-normalization';
import {
  hasRepeatedIdentifier,
  isKanaName,
  isPlausibleBirthDate,
  matchesSubjectKey,
  maxSubjectIdentifiers,
  subjectCategories,
  subjectSexes,
} from '../domain/subject-rules';
import { announceCareChange, announceDirectoryChange } from './outbox';
import { careRelationships } from '../../../lib/access/care-relationship';
import { addCareRelationships } from '../../../lib/access/care-relationship-view';
import { inputMessage } from '../../../lib/messages/input-issues';

/** Names the subject lock among other pg_advisory_xact_lock users (two-key form: this class, then the key's hash). */
const subjectLockClass = 0x5375_626a; // "Subj"

const kanaName = text(100).refine(
  isKanaName,
  inputMessage({ en: 'Write it in hiragana or katakana.', ja: 'ひらがなまたはカタカナで入力してください。' }),
);
const birthDate = calendarDate.refine(
  (d) => isPlausibleBirthDate(d, new Date()),
  inputMessage({ en: 'It must be a past date after 1900-01-01.', ja: '1900-01-01 より後の過去の日付にしてください。' }),
);

const identifier = z.object({ system: text(100), value: text(100) });

export const registerSubjectInput = z.object({
  name: text(100),
  nameKana: kanaName,
  birthDate,
  sex: z
    .enum(subjectSexes)
    .nullish()
    .transform((sex) => sex ?? 'UNKNOWN'),
  address: text(300).nullish(),
  category: z.enum(subjectCategories),
  identifiers: z
    .array(identifier)
    .max(maxSubjectIdentifiers)
    .refine(
      (ids) => !hasRepeatedIdentifier(ids),
      inputMessage({ en: 'Give each identifier once.', ja: '同じ識別子を重複して指定しないでください。' }),
    )
    .nullish()
    .transform((ids) => ids ?? []),
});

export const findSubjectsArgs = z.object({ nameKana: kanaName, birthDate });

/** Subjects with this match key, including rows from before name_key existed. */
export function subjectsWithKey(
  db: Pick<IdentityContext['db'], 'subject'>,
  nameKana: string,
  isoBirthDate: string,
): Promise<Subject[]> {
  const key = subjectMatchKey(nameKana, isoBirthDate);
  return db.subject
    .findMany({
      where: {
        birthDate: new Date(`${isoBirthDate}T00:00:00Z`),
        OR: [{ nameKey: normalizeKanaName(nameKana) }, { nameKey: null }],
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    })
    .then((rows) => rows.filter((row) => matchesSubjectKey(row, key)));
}

class DuplicateSubject extends Error {}

export async function registerSubject(
  ctx: IdentityContext,
  input: z.infer<typeof registerSubjectInput>,
): Promise<Subject> {
  if (!maySeeSubjects(ctx)) await forbid(ctx, 'subject.register', 'Subject');
  const registrant = requireUser(ctx);
  const key = subjectMatchKey(input.nameKana, input.birthDate);
  try {
    return await ctx.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${subjectLockClass}::int, hashtext(${key}))`;
      if ((await subjectsWithKey(tx, input.nameKana, input.birthDate)).length > 0) throw new DuplicateSubject();
      const subject = await tx.subject.create({
        data: {
          id: randomUUID(),
          name: input.name,
          nameKana: input.nameKana,
          nameKey: normalizeKanaName(input.nameKana),
          birthDate: new Date(`${input.birthDate}T00:00:00Z`),
          sex: input.sex,
          address: input.address ?? null,
          category: input.category,
          identifiers: input.identifiers,
          registeredBy: registrant.userId,
          registeredFacilityId: registrant.facilityId,
        },
      });
      await recordAudit(tx, ctx.principal, {
        action: 'subject.register',
        outcome: 'SUCCESS',
        targetType: 'Subject',
        targetId: subject.id,
      });
      await announceDirectoryChange(tx, { subjectId: subject.id });
      await announceCareChange(tx, subject.id);
      // The registrant reads what it has just registered; the job brings the other copies along within a second.
      const registration = { userId: registrant.userId, facilityId: registrant.facilityId, at: subject.createdAt };
      await addCareRelationships(
        tx,
        'identity',
        careRelationships({
          subjectId: subject.id,
          registration,
          rooms: [],
          applications: [],
          existenceChecks: [],
          consentSteps: [],
        }),
      );
      return subject;
    });
  } catch (error) {
    if (!(error instanceof DuplicateSubject)) throw error;
    await recordAuditAlone(ctx.db, ctx.principal, {
      action: 'subject.register',
      outcome: 'FAILURE',
      targetType: 'Subject',
      details: { reason: 'DUPLICATE_SUBJECT' },
    });
    // Preventing a second record of one person outweighs hiding that the name and birth date are registered;
    // the existence check (Art. 18) is how the registrant's facility comes to be related to that record.
    throw appError('CONFLICT', {
      en: 'A subject with the same kana name and birth date is already registered. Ask whether a room exists (askRoomExists) to be related to it.',
      ja: '同じ氏名（かな）と生年月日の対象者がすでに登録されています。部屋の有無を確認して（askRoomExists）、その対象者との関係を得てください。',
    });
  }
}

/**
 * Art. 18: is this person already a subject? Only subjects the caller has a
 * care relationship with are returned (need to know): to anyone else a
 * search finds nothing, as if no such subject existed; the existence check
 * is the sanctioned way to ask. Each subject returned is a read, audited as one.
 */
export async function findSubjects(ctx: IdentityContext, args: z.infer<typeof findSubjectsArgs>): Promise<Subject[]> {
  if (!maySeeSubjects(ctx)) await forbid(ctx, 'subject.find', 'Subject');
  const matches = await subjectsWithKey(ctx.db, args.nameKana, args.birthDate);
  const related = await Promise.all(matches.map((subject) => ctx.careOf.load(subject.id)));
  const subjects = matches.filter((_, i) => related[i]);
  await ctx.db.$transaction(async (tx) => {
    await recordAudit(tx, ctx.principal, {
      action: 'subject.find',
      outcome: 'SUCCESS',
      targetType: 'Subject',
      details: { matches: subjects.length },
    });
    for (const subject of subjects) {
      await recordAudit(tx, ctx.principal, {
        action: 'subject.read',
        outcome: 'SUCCESS',
        targetType: 'Subject',
        targetId: subject.id,
        details: { via: 'findSubjects' },
      });
    }
  });
  return subjects;
}

/** Subject.identifiers: the stored JSON array, read defensively. */
export function subjectIdentifiers(subject: Pick<Subject, 'identifiers'>): Array<{ system: string; value: string }> {
  const parsed = z.array(identifier).safeParse(subject.identifiers);
  return parsed.success ? parsed.data : [];
}
