// Seeds the bench database with a realistic network in a few seconds:
// facilities, users, subjects with consent and a room each, members, posts
// (with reads and revisions), and the care relationships the
// care-relationships-changed job would compute from those facts (need to
// know: without them every read of a subject is refused). Rows are
// generated inside PostgreSQL (INSERT ... SELECT generate_series) straight
// into the owners' tables, in foreign-key order; ids are deterministic
// (benchId) so rows of one owner can point at another's without a round
// trip. Nothing here goes through the services: this is data as it would
// be after years of use, not a test of the write paths (those are what the
// integration tests cover).
import type { Client } from 'pg';
import { hashPassword } from '../subgraphs/identity/services/password-hasher';

export interface SeedSizes {
  facilities: number;
  users: number;
  subjects: number;
  posts: number;
}

/** What the scenarios need to know about the seeded data. */
export interface SeededData {
  sizes: SeedSizes;
  rows: Record<string, number>;
  seconds: number;
  /** A USER who is a member of the busy rooms. */
  benchUser: { id: string; accountId: string; password: string };
  /** A system administrator (registers the bench partner and issues its share code). */
  adminUser: { id: string; accountId: string; password: string };
  /** Rooms with at least 50 posts, the bench user a member of each. */
  busyRoomIds: string[];
  /** The subject of each busy room, in the same order. */
  busySubjectIds: string[];
}

// One id space per kind: `<kind>0000-0000-4000-8000-<n in hex>`, valid v4-shaped UUIDs.
const kinds = { facility: 1, user: 2, subject: 3, room: 4, post: 5, member: 6, revision: 7, consent: 8 } as const;

export function benchId(kind: keyof typeof kinds, n: number): string {
  return `${kinds[kind].toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}
const sqlId = (kind: keyof typeof kinds, n: string) =>
  `(lpad(to_hex(${kinds[kind]}), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;

const password = 'bench horse battery staple';
export const careSchemas = ['identity', 'rooms', 'consent'] as const;
const membersPerRoom = 5;

export async function seed(client: Client, sizes: SeedSizes, log: (line: string) => void): Promise<SeededData> {
  const { facilities: F, users: U, subjects: S, posts: P } = sizes;
  // A tenth of the posts go to the busy rooms (a hundredth of the rooms), so
  // timelines of 50+ posts exist; the rest spread evenly.
  const B = Math.max(1, Math.floor(S / 100));
  const busyPosts = Math.floor(P / 10);
  // Member k of room r, and the k-th member as an SQL expression.
  const memberOf = (r: number, k: number) => ((r * 7 + k * 401) % U) + 1;
  const memberSql = (r: string, k: string) => `(((${r}) * 7 + (${k}) * 401) % ${U}) + 1`;
  const roomOfPostSql = (n: string) =>
    `(CASE WHEN ${n} <= ${busyPosts} THEN ((${n} - 1) % ${B}) + 1 ELSE ((${n} - 1) % ${S}) + 1 END)`;

  const started = performance.now();
  const rows: Record<string, number> = {};
  const step = async (table: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now();
    const result = await client.query(sql, params);
    rows[table] = (rows[table] ?? 0) + (result.rowCount ?? 0);
    log(
      `  seeded ${table.padEnd(38)} ${String(result.rowCount ?? 0).padStart(8)} rows in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
    );
  };

  const passwordHash = await hashPassword(password);
  await client.query('BEGIN');
  await step(
    'identity.facility',
    `INSERT INTO identity.facility (id, name, kind, inside_city, address)
     SELECT ${sqlId('facility', 'n')}, '高岡ベンチ事業所 ' || n,
            (ARRAY['MEDICAL_INSTITUTION','PHARMACY','CARE_INSURANCE_SERVICE','DISABILITY_WELFARE_SERVICE'])[1 + n % 4]::identity."FacilityKind",
            true, '高岡市広小路' || n
     FROM generate_series(1, ${F}) AS n`,
  );
  // The last F users manage their facility (one manager per facility, as the unique index requires).
  await step(
    'identity.user',
    `INSERT INTO identity."user" (id, account_id, name, name_kana, facility_id, role, password_hash, password_changed_at,
                                  must_change_password, pledged_at, pledge_version, issued_by, last_active_at)
     SELECT ${sqlId('user', 'n')}, 'bn' || lpad(n::text, 8, '0'), '越中 職員' || n, 'エッチュウ ショクイン',
            ${sqlId('facility', `((n - 1) % ${F}) + 1`)},
            (CASE WHEN n > ${U} - ${Math.min(F, U)} THEN 'FACILITY_MANAGER' ELSE 'USER' END)::identity."Role",
            $1, now(), false, now(), '2024-08-01', ${sqlId('user', 'n')}, now()
     FROM generate_series(1, ${U}) AS n`,
    [passwordHash],
  );
  await step(
    'identity.user',
    `INSERT INTO identity."user" (id, account_id, name, name_kana, facility_id, role, password_hash, password_changed_at,
                                  must_change_password, pledged_at, pledge_version, issued_by, last_active_at)
     VALUES ($2, $3, 'ベンチ 管理者', 'ベンチ カンリシャ', $4, 'SYSTEM_ADMIN', $1, now(), false, now(), '2024-08-01', $2, now())`,
    [passwordHash, benchId('user', U + 1), `bn${String(U + 1).padStart(8, '0')}`, benchId('facility', 1)],
  );
  await step(
    'identity.subject',
    `INSERT INTO identity.subject (id, name, name_kana, name_key, birth_date, sex, address, identifiers)
     SELECT ${sqlId('subject', 'n')},
            (ARRAY['高岡','越中','富山','伏木','氷見'])[1 + n % 5] || ' ' || (ARRAY['太郎','花子','一郎','和子','清'])[1 + (n / 5) % 5],
            (ARRAY['タカオカ','エッチュウ','トヤマ','フシキ','ヒミ'])[1 + n % 5] || ' ' || (ARRAY['タロウ','ハナコ','イチロウ','カズコ','キヨシ'])[1 + (n / 5) % 5],
            (ARRAY['タカオカ','エッチュウ','トヤマ','フシキ','ヒミ'])[1 + n % 5] || (ARRAY['タロウ','ハナコ','イチロウ','カズコ','キヨシ'])[1 + (n / 5) % 5],
            date '1930-01-01' + (n * 37 % 20000), (ARRAY['FEMALE','MALE'])[1 + n % 2]::identity."SubjectSex",
            '高岡市末広町' || n, '[]'::jsonb
     FROM generate_series(1, ${S}) AS n`,
  );
  // Consent is recorded the day before the room opens, as openRoom requires. (Recorded after the
  // opening, it would be a step towards a room and relate its recorder and that user's facility
  // for 90 days: CONSENT relationships the seed would then have to write too.)
  await step(
    'consent.consent_record',
    `INSERT INTO consent.consent_record (id, subject_id, state, recorded_at, recorded_by, explained_by, explained_on, signed_by, signed_on, purposes)
     SELECT ${sqlId('consent', 'n')}, ${sqlId('subject', 'n')}, 'GRANTED', now() - interval '61 days',
            ${sqlId('user', memberSql('n', '0'))}, ${sqlId('user', memberSql('n', '0'))}, current_date - 61, 'SUBJECT', current_date - 61,
            ARRAY['PROVIDE_SERVICES','COORDINATE_PROVIDERS']
     FROM generate_series(1, ${S}) AS n`,
  );
  await step(
    'rooms.subject_sharing',
    `INSERT INTO rooms.subject_sharing (subject_id, allowed, basis, event_at)
     SELECT ${sqlId('subject', 'n')}, true, 'CONSENT', now() - interval '61 days' FROM generate_series(1, ${S}) AS n`,
  );
  await step(
    'rooms.room',
    `INSERT INTO rooms.room (id, subject_id, title, status, opened_at, opened_by)
     SELECT ${sqlId('room', 'n')}, ${sqlId('subject', 'n')}, '在宅療養の部屋 ' || n, 'OPEN', now() - interval '60 days', ${sqlId('user', memberSql('n', '0'))}
     FROM generate_series(1, ${S}) AS n`,
  );
  await step(
    'rooms.room_member',
    `INSERT INTO rooms.room_member (id, room_id, user_id, added_by, added_at)
     SELECT DISTINCT ON (r, ${memberSql('r', 'k')}) ${sqlId('member', `(r - 1) * ${membersPerRoom} + k + 1`)}, ${sqlId('room', 'r')},
            ${sqlId('user', memberSql('r', 'k'))}, ${sqlId('user', memberSql('r', '0'))}, now() - interval '60 days'
     FROM generate_series(1, ${S}) AS r, generate_series(0, ${membersPerRoom - 1}) AS k
     ORDER BY r, ${memberSql('r', 'k')}, k`,
  );
  // The bench user (member 0 of room 1) joins every busy room, so each busy room has a timeline it may read.
  const benchUserN = memberOf(1, 0);
  await step(
    'rooms.room_member',
    `INSERT INTO rooms.room_member (id, room_id, user_id, added_by, added_at)
     SELECT ${sqlId('member', `${S * membersPerRoom} + r`)}, ${sqlId('room', 'r')}, ${sqlId('user', String(benchUserN))}, ${sqlId('user', memberSql('r', '0'))}, now() - interval '60 days'
     FROM generate_series(1, ${B}) AS r
     WHERE NOT EXISTS (SELECT 1 FROM rooms.room_member m WHERE m.room_id = ${sqlId('room', 'r')} AND m.user_id = ${sqlId('user', String(benchUserN))})`,
  );
  await step(
    'rooms.post',
    `INSERT INTO rooms.post (id, room_id, author_id, category, body, created_at)
     SELECT ${sqlId('post', 'n')}, ${sqlId('room', roomOfPostSql('n'))}, ${sqlId('user', memberSql(roomOfPostSql('n'), 'n % 5'))},
            (ARRAY['BASIC','FAMILY','MEDICAL','CARE_SERVICES','HEALTH_PROGRAMS','PHYSICAL_LIVING_FUNCTION','HOUSING','COORDINATION','OTHER'])[1 + n % 9]::rooms."PostCategory",
            '本日訪問。バイタル安定、食事量は八割程度。服薬確認済み。ご家族より夜間の睡眠について相談あり、次回訪問時に再確認します。(' || n || ')',
            now() - (${P} - n) * interval '30 seconds'
     FROM generate_series(1, ${P}) AS n`,
  );
  // Busy rooms' posts are read by two members, others by one; every tenth post was edited once.
  await step(
    'rooms.post_read',
    `INSERT INTO rooms.post_read (post_id, user_id, read_at)
     SELECT ${sqlId('post', 'n')}, ${sqlId('user', memberSql(roomOfPostSql('n'), '(n + k) % 5'))}, now() - (${P} - n) * interval '30 seconds' + interval '1 hour'
     FROM generate_series(1, ${P}) AS n, generate_series(1, 2) AS k
     WHERE k = 1 OR n <= ${busyPosts}
     ON CONFLICT DO NOTHING`,
  );
  await step(
    'rooms.post_revision',
    `INSERT INTO rooms.post_revision (id, post_id, category, body, replaced_at, replaced_by)
     SELECT ${sqlId('revision', 'n')}, ${sqlId('post', 'n')}, 'BASIC', '訂正前の本文', now() - (${P} - n) * interval '30 seconds' + interval '5 minutes',
            ${sqlId('user', memberSql(roomOfPostSql('n'), 'n % 5'))}
     FROM generate_series(1, ${P}) AS n WHERE n % 10 = 0`,
  );
  await client.query(
    `UPDATE rooms.post SET edited_at = created_at + interval '5 minutes' WHERE id IN (SELECT post_id FROM rooms.post_revision)`,
  );
  // Need to know: each owner's copy of the care relationships, as the
  // care-relationships-changed job computes them (lib/access/care-relationship.ts)
  // from these facts: a MEMBER row per current member, a MANAGER row for the
  // opener of a room that is not closed. Nothing else applies here: consent
  // was recorded before the room opened (steps before the latest opening do
  // not count), registered_by is null and there are no Forms 8-10 or
  // existence checks. Read from the seeded rooms so the two cannot drift
  // apart; a subject's rows are written together, as the job writes them.
  // bench/seed-check.ts compares a sample with what the job itself writes.
  for (const schema of careSchemas) {
    await step(
      `${schema}.care_relationship`,
      `INSERT INTO ${schema}.care_relationship (subject_id, holder_kind, holder_id, basis, since, until)
       SELECT subject_id, 'USER', holder_id, basis, since, NULL FROM (
         SELECT r.subject_id, m.user_id AS holder_id, 'MEMBER' AS basis, m.added_at AS since
         FROM rooms.room_member m JOIN rooms.room r ON r.id = m.room_id WHERE m.removed_at IS NULL
         UNION ALL
         SELECT r.subject_id, r.opened_by, 'MANAGER', r.opened_at FROM rooms.room r WHERE r.status <> 'CLOSED' AND r.opened_by IS NOT NULL
       ) AS relationship ORDER BY subject_id, basis, holder_id`,
    );
    await step(
      `${schema}.care_relationship_version`,
      `INSERT INTO ${schema}.care_relationship_version (subject_id, computed_at) SELECT id, now() FROM identity.subject`,
    );
  }
  await client.query('COMMIT');
  const t0 = performance.now();
  await client.query('ANALYZE');
  log(`  analyzed in ${((performance.now() - t0) / 1000).toFixed(2)} s`);

  return {
    sizes,
    rows,
    seconds: (performance.now() - started) / 1000,
    benchUser: { id: benchId('user', benchUserN), accountId: `bn${String(benchUserN).padStart(8, '0')}`, password },
    adminUser: { id: benchId('user', U + 1), accountId: `bn${String(U + 1).padStart(8, '0')}`, password },
    busyRoomIds: Array.from({ length: B }, (_, i) => benchId('room', i + 1)),
    busySubjectIds: Array.from({ length: B }, (_, i) => benchId('subject', i + 1)),
  };
}
