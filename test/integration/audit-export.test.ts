// npm run audit:export against real PostgreSQL: records appended through
// the trails' own chain functions (so the hashes are real) come out as
// NDJSON AuditEvents in trail and key order, page by page, each valid R4,
// with the chain's hashes linking as in the database.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { validateR4 } from '../../adapters/fhir/validator';
import { AuditExportError, exportAuditEvents, type AuditExportOptions } from '../../lib/audit/audit-export';
import { appendAccessRecord, appendAccessRecords } from '../../lib/audit/access-log';
import { verifyTrailChain, accessRecordReader } from '../../lib/audit/chain-reader';
import { auditEventBindingIssues, type AuditEventResource } from '../../lib/audit/balp-audit-event';
import { genesisHash, type AccessFacts } from '../../lib/audit/hash-chain';
import { chainStore as consentChain } from '../../subgraphs/consent/services/access-record-service';
import { recordAudit } from '../../subgraphs/identity/services/audit-service';
import { chainStore as roomsChain } from '../../subgraphs/rooms/services/access-records';
import { repoRoot } from '../../lib/repo-paths';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const base = 'https://renkei.example.jp/fhir';
const nurse = '0a921851-8bf2-4d1d-8a04-d58560765d90';
const subjectA = '1b921851-8bf2-4d1d-8a04-d58560765d90';
const subjectB = '1c921851-8bf2-4d1d-8a04-d58560765d90';
const room = '2c921851-8bf2-4d1d-8a04-d58560765d90';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 0, minute));
const facts = (minute: number, over: Partial<AccessFacts>): AccessFacts => ({
  at: at(minute),
  actorId: nurse,
  actorRole: 'NURSE',
  subjectId: subjectA,
  roomId: room,
  action: 'READ',
  what: 'timeline',
  outcome: 'SUCCESS',
  ...over,
});

function validate(resource: AuditEventResource) {
  const structure = validateR4(resource);
  return [...(structure.valid ? [] : structure.issues), ...auditEventBindingIssues(resource)];
}

type Json = Record<string, any>;
const patientValue = (e: Json): string | undefined =>
  (e.entity as Json[]).find((x) => x.role.code === '1')?.what.identifier.value;
const chainOf = (e: Json): Record<string, string> =>
  Object.fromEntries((e.extension[0].extension as Json[]).map((x) => [x.url, x.valueString ?? x.valueCode]));

describe('audit export (BALP AuditEvent NDJSON)', () => {
  let db: TestDatabase;
  /** The migrated template already holds identity events (the bootstrap): ours come after this id. */
  let identityBefore = 0n;

  async function run(options: Partial<AuditExportOptions> = {}): Promise<{ lines: Json[]; chunks: number }> {
    let text = '';
    let chunks = 0;
    await exportAuditEvents(
      db.prisma,
      { trails: ['rooms', 'consent', 'identity'], fhirBaseUrl: base, validate, ...options },
      (chunk) => {
        chunks += 1;
        text += chunk;
      },
    );
    expect(text === '' || text.endsWith('\n')).toBe(true);
    return {
      lines: text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Json),
      chunks,
    };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    identityBefore = (await db.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    // rooms: a timeline read, a post, an edit, a refusal, and a system write with no subject.
    await db.prisma.$transaction((tx) => appendAccessRecord(roomsChain(tx), facts(1, {})));
    await db.prisma.$transaction((tx) =>
      appendAccessRecords(roomsChain(tx), [
        facts(2, { action: 'WRITE', what: 'post' }),
        facts(3, { action: 'WRITE', what: 'post.edit' }),
      ]),
    );
    await db.prisma.$transaction((tx) =>
      appendAccessRecord(roomsChain(tx), facts(4, { action: 'DENIED', what: 'room.resume', outcome: 'CONFLICT' })),
    );
    await db.prisma.$transaction((tx) =>
      appendAccessRecord(
        roomsChain(tx),
        facts(5, { actorId: null, actorRole: null, subjectId: null, roomId: null, action: 'WRITE', what: 'x.remove' }),
      ),
    );
    // consent: a status read and a recorded consent of another subject.
    await db.prisma.$transaction((tx) =>
      appendAccessRecords(consentChain(tx), [
        facts(6, { subjectId: subjectB, roomId: null, what: 'consentStatus', outcome: 'OK' }),
        facts(7, { subjectId: subjectB, roomId: null, action: 'WRITE', what: 'recordConsent', outcome: 'OK' }),
      ]),
    );
    // identity: a subject read and a failed sign-in (recorded now: identity's `at` is the database's clock).
    await recordAudit(
      db.prisma,
      { kind: 'user', userId: nurse, role: 'USER', certificate: null, address: '192.0.2.1' } as never,
      { action: 'subject.read', outcome: 'SUCCESS', targetType: 'Subject', targetId: subjectA },
    );
    await recordAudit(db.prisma, { kind: 'anonymous', certificate: null, address: '192.0.2.1' } as never, {
      action: 'session.signIn',
      outcome: 'FAILURE',
      targetType: 'User',
      targetId: nurse,
      actorId: nurse,
      details: { reason: 'password' },
    });
  });
  afterAll(() => db.drop());

  it('exports every trail in order, one valid AuditEvent a line, with the subjects as patients', async () => {
    const { lines } = await run({ pageSize: 2 });
    const roomsSeq = (await db.prisma.roomsAccessRecord.findMany({ orderBy: { seq: 'asc' } })).map((r) => r.seq);
    const consentSeq = (await db.prisma.consentAccessRecord.findMany({ orderBy: { seq: 'asc' } })).map((r) => r.seq);
    const identityIds = (await db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } })).map((r) => r.id);
    expect(lines.map((e) => e.id)).toEqual([
      ...roomsSeq.map((s) => `rooms-${s}`),
      ...consentSeq.map((s) => `consent-${s}`),
      ...identityIds.map((id) => `identity-${id}`),
    ]);
    for (const line of lines) expect(validate(line as AuditEventResource)).toEqual([]);
    const ours = lines.filter((e) => !e.id.startsWith('identity-') || BigInt(e.id.slice(9)) > identityBefore);
    expect(ours).toHaveLength(9);
    expect(ours.map((e) => [e.action, e.outcome])).toEqual([
      ['E', '0'],
      ['C', '0'],
      ['U', '0'],
      ['U', '4'],
      ['D', '0'],
      ['R', '0'],
      ['C', '0'],
      ['R', '0'],
      ['E', '4'],
    ]);
    expect(ours.map(patientValue)).toEqual([
      subjectA,
      subjectA,
      subjectA,
      subjectA,
      undefined,
      subjectB,
      subjectB,
      subjectA,
      undefined,
    ]);
    expect(ours[3]!.outcomeDesc).toBe('CONFLICT');
    // Ids and codes only: nothing of identity's details or address leaves.
    const all = JSON.stringify(lines);
    expect(all).not.toContain('192.0.2.1');
    expect(all).not.toContain('password');
  });

  it('carries each chain’s hashes so an audit repository can check them against our chain', async () => {
    const { lines } = await run({ trails: ['rooms', 'consent'] });
    await expect(
      verifyTrailChain(accessRecordReader(db.prisma.roomsAccessRecord), async () => 0),
    ).resolves.toMatchObject({
      ok: true,
      records: 5,
    });
    for (const trail of ['rooms', 'consent']) {
      const chain = lines.filter((e) => e.id.startsWith(`${trail}-`)).map(chainOf);
      let previous = genesisHash;
      for (const link of chain) {
        expect(link.trail).toBe(trail);
        expect(link.prevHash).toBe(previous);
        previous = link.hash!;
      }
      const last =
        trail === 'rooms'
          ? await db.prisma.roomsAccessRecord.findFirst({ orderBy: { seq: 'desc' } })
          : await db.prisma.consentAccessRecord.findFirst({ orderBy: { seq: 'desc' } });
      expect(previous).toBe(last!.hash);
    }
  });

  it('selects by trail and time (since inclusive, until exclusive), a page at a time', async () => {
    const { lines, chunks } = await run({ trails: ['rooms'], since: at(2), until: at(4), pageSize: 1 });
    expect(lines.map((e) => e.recorded)).toEqual([at(2).toISOString(), at(3).toISOString()]);
    expect(chunks).toBe(2);
  });

  it('stops at a resource that does not validate, naming the record', async () => {
    const first = await db.prisma.consentAccessRecord.findFirst({ orderBy: { seq: 'asc' } });
    await expect(
      run({
        trails: ['consent'],
        validate: (resource) => (resource.id === `consent-${first!.seq}` ? [{ expression: 'x', message: 'bad' }] : []),
      }),
    ).rejects.toThrow(
      new AuditExportError(`consent record ${first!.seq} does not map to a valid R4 AuditEvent: x: bad`),
    );
  });

  it('npm run audit:export writes the NDJSON file and reports configuration problems clearly', async () => {
    const run = promisify(execFile);
    const node = process.execPath;
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-export-'));
    const out = path.join(outDir, 'audit.ndjson');
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, FHIR_BASE_URL: base };
    const script = [path.join(repoRoot, 'scripts/audit-export.ts')];
    const done = await run(node, ['--import', 'tsx', ...script, '--trail', 'consent', '--out', out], {
      cwd: repoRoot,
      env,
    });
    expect(done.stderr).toMatch(/Exported 2 AuditEvent resources \(rooms 0, consent 2, identity 0\)/);
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as Json).id.replace(/\d+$/, 'n'))).toEqual(['consent-n', 'consent-n']);

    const refused = await run(node, ['--import', 'tsx', ...script, '--trail', 'all', '--since', 'soon'], {
      cwd: repoRoot,
      env: { PATH: env.PATH },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1 });
    const stderr = (refused as { stderr: string }).stderr;
    expect(stderr).toContain('Renkei cannot export the audit trails:');
    expect(stderr).toContain('--since: not an ISO 8601 date');
    expect(stderr).toContain('DATABASE_URL: is required');
    expect(stderr).toContain('FHIR_BASE_URL: is required for the audit export');
    fs.rmSync(outDir, { recursive: true, force: true });
  }, 60_000);
});
