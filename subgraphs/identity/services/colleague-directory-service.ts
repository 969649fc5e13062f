// The directory of professionals (issue 13): active users of facilities in
// use whose name or kana contains the search, for choosing colleagues on
// Forms 8 and 9. The rules are in domain/colleague-directory.ts; this reads.
// A search reads no subject's data, so it is not an access record; a refused
// caller is not a user of the network and gets UNAUTHENTICATED.
import { z } from 'zod';
import { Prisma, type User } from '../../../generated/prisma/client';
import { appError } from '../../../lib/graphql-errors';
import { uuid } from '../../../lib/input';
import type { IdentityContext } from '../context';
import {
  directoryLimit,
  directorySearch,
  directoryTerms,
  matchesDirectory,
  mayUseDirectory,
} from '../domain/colleague-directory';
import { requireUser } from './access-guard';

export const colleaguesArgs = z.object({ search: directorySearch, facilityId: uuid.nullish() });

// Hiragana to katakana as normalizeKanaName folds them (U+3041–U+3096, ゝゞ → +0x60), for PostgreSQL's translate().
const hiragana = [...Array.from({ length: 0x3096 - 0x3041 + 1 }, (_, i) => 0x3041 + i), 0x309d, 0x309e];
const hiraganaChars = String.fromCharCode(...hiragana);
const katakanaChars = String.fromCharCode(...hiragana.map((code) => code + 0x60));

export async function searchColleagues(ctx: IdentityContext, args: z.infer<typeof colleaguesArgs>): Promise<User[]> {
  if (!mayUseDirectory(ctx.principal))
    throw appError('UNAUTHENTICATED', { en: 'Sign in first.', ja: '先にサインインしてください。' });
  requireUser(ctx);
  const terms = directoryTerms(args.search);
  const facility = args.facilityId ? Prisma.sql`AND u.facility_id = ${args.facilityId}::uuid` : Prisma.empty;
  // The same folding as the pure rule, in SQL: NFKC, spaces (and ・ in kana) dropped, hiragana as katakana.
  const rows = await ctx.db.$queryRaw<Array<{ id: string }>>`
    SELECT u.id FROM identity."user" u JOIN identity.facility f ON f.id = u.facility_id
    WHERE u.status = 'ACTIVE' AND f.status = 'ACTIVE' ${facility}
      AND (strpos(lower(regexp_replace(normalize(u.name, NFKC), '\\s', '', 'g')), ${terms.name}) > 0
        OR strpos(regexp_replace(translate(normalize(u.name_kana, NFKC), ${hiraganaChars}, ${katakanaChars}), '[\\s・]', '', 'g'), ${terms.kana}) > 0)
    ORDER BY u.name_kana, u.id
    LIMIT ${directoryLimit}`;
  if (rows.length === 0) return [];
  const users = await ctx.db.user.findMany({
    where: { id: { in: rows.map((r) => r.id) } },
    include: { facility: true },
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  return rows
    .map((r) => byId.get(r.id))
    .filter((u): u is NonNullable<typeof u> => u !== undefined)
    .filter((u) => matchesDirectory({ ...u, facilityStatus: u.facility.status }, terms))
    .map(({ facility: _facility, ...user }) => user);
}
