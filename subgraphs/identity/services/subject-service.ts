// Subjects (care recipients). Only the fields the walking skeleton needs;
// sex, address, the Art. 5 category and identifiers come with the rooms work.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { calendarDate, text } from '../../../lib/input';
import type { Subject } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';
import { forbid } from './access-guard';
import { recordAudit } from './audit-service';
import { maySeeSubjects } from './directory-service';
import { isKanaName, isPlausibleBirthDate } from '../domain/subject-rules';

export const registerSubjectInput = z.object({
  name: text(100),
  nameKana: text(100).refine(isKanaName, 'must be written in hiragana or katakana'),
  birthDate: calendarDate.refine((d) => isPlausibleBirthDate(d, new Date()), 'must be a past date after 1900-01-01'),
});

export async function registerSubject(ctx: IdentityContext, input: z.infer<typeof registerSubjectInput>): Promise<Subject> {
  if (!maySeeSubjects(ctx)) await forbid(ctx, 'subject.register', 'Subject');
  return ctx.db.$transaction(async (tx) => {
    const subject = await tx.subject.create({
      data: { id: randomUUID(), name: input.name, nameKana: input.nameKana, birthDate: new Date(`${input.birthDate}T00:00:00Z`) },
    });
    await recordAudit(tx, ctx.principal, { action: 'subject.register', outcome: 'SUCCESS', targetType: 'Subject', targetId: subject.id });
    return subject;
  });
}
