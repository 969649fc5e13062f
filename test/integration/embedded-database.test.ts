// The embedded PostgreSQL (PGlite) used by `npm start` without DATABASE_URL:
// migrated on open, data kept across reopen, one process per data directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openEmbeddedPostgres } from '../../lib/database';
import { lockDataDir } from '../../lib/data-dir-lock';
import { readMigrations } from '../../lib/migrations';
import { StartupError } from '../../lib/startup-error';
import { isUniqueViolation } from '../../lib/db-errors';
import { rememberJwtId } from '../../adapters/fhir/used-jwt-ids';

describe('embedded PostgreSQL', () => {
  // One data directory for the file: creating one runs initdb (seconds of WebAssembly), which only
  // the first test is about; the others open it again (or create it, when run alone).
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-embedded-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates on first open and keeps data across reopening', async () => {
    const first = await openEmbeddedPostgres(dataDir);
    expect(first.migrationsApplied).toEqual(readMigrations().map((m) => m.name));
    const id = randomUUID();
    await first.prisma.facility.create({ data: { id, name: 'Takaoka Pharmacy', kind: 'PHARMACY', insideCity: true } });
    await first.close();

    const second = await openEmbeddedPostgres(dataDir);
    expect(second.migrationsApplied).toEqual([]);
    expect(await second.prisma.facility.findUnique({ where: { id } })).toMatchObject({ name: 'Takaoka Pharmacy' });
    await second.close();
  });

  it('reports the one-active-room rule as a unique violation, as on a server', async () => {
    const db = await openEmbeddedPostgres(dataDir);
    const subjectId = randomUUID();
    await db.prisma.room.create({ data: { id: randomUUID(), subjectId, title: 'first' } });
    const second = db.prisma.room.create({ data: { id: randomUUID(), subjectId, title: 'second' } });
    const error = await second.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error)).toBe(true);
    expect(await db.prisma.room.count({ where: { subjectId } })).toBe(1);
    await db.close();
  });

  it("reports a raw statement's unique violation as one too: a partner's jti kept twice is a replay", async () => {
    const db = await openEmbeddedPostgres(dataDir);
    const used = { partnerId: randomUUID(), jti: randomUUID(), expiresAt: new Date(Date.now() + 60_000) };
    expect(await rememberJwtId(db.prisma, used, new Date())).toBe('new');
    expect(await rememberJwtId(db.prisma, used, new Date())).toBe('replayed');
    expect(await db.prisma.usedJwtId.count({ where: { partnerId: used.partnerId } })).toBe(1);
    await db.close();
  });

  it('lets one process at a time own the data directory', () => {
    const unlock = lockDataDir(dataDir);
    // A lock held by a live process (here: our parent) is respected.
    fs.writeFileSync(path.join(dataDir, 'renkei.lock'), String(process.ppid));
    expect(() => lockDataDir(dataDir)).toThrow(StartupError);
    // A lock left by a process that is gone is taken over.
    fs.writeFileSync(path.join(dataDir, 'renkei.lock'), '999999999');
    const again = lockDataDir(dataDir);
    again();
    unlock();
    expect(fs.existsSync(path.join(dataDir, 'renkei.lock'))).toBe(false);
  });
});
