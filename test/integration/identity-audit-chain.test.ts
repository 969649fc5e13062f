// Identity's audit events chained by hash, against real PostgreSQL, written
// through identity's own audit service: events written at once from many
// requests and transactions form one chain (no fork); an event without its
// hash is refused by the database; events written before the chain began
// stay outside it; and a trail rewritten and rehashed is found by the
// signed checkpoints, as rooms' and consent's are.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { auditEventHash, genesisHash, type JsonValue } from '../../lib/audit/audit-event-chain';
import { verifyTrailChain, auditEventReader } from '../../lib/audit/chain-reader';
import { checkpointTrails, verifyTrails } from '../../lib/audit/checkpoint-runs';
import type { Principal } from '../../lib/access/principal';
import { recordAudit, recordAuditAlone } from '../../subgraphs/identity/services/audit-service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe("identity's audit trail as a hash chain", () => {
  let db: TestDatabase;
  let dir: string;
  const admin: Principal = {
    kind: 'user',
    userId: randomUUID(),
    role: 'SYSTEM_ADMIN',
    facilityId: randomUUID(),
    orgUnitId: null,
    sessionId: randomUUID(),
    mustChangePassword: false,
    certificate: 'ab'.repeat(32),
    address: '192.0.2.1',
  };
  const verify = () =>
    verifyTrailChain(auditEventReader(db.prisma), (seq) =>
      db.prisma.auditEvent.count({ where: { hash: { not: null }, id: { lt: seq } } }),
    );

  beforeEach(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-identity-chain-'));
    // Each test starts from an empty trail (the template database holds the bootstrap's event).
    await db.prisma.$transaction([
      db.prisma.$executeRawUnsafe('ALTER TABLE identity.audit_event DISABLE TRIGGER audit_event_no_update_or_delete'),
      db.prisma.$executeRawUnsafe('DELETE FROM identity.audit_event'),
      db.prisma.$executeRawUnsafe('ALTER TABLE identity.audit_event ENABLE TRIGGER audit_event_no_update_or_delete'),
    ]);
  });
  afterEach(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('chains events written at once, alone and inside transactions, into one unforked chain', async () => {
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) =>
        recordAuditAlone(db.prisma, admin, {
          action: 'subject.read',
          outcome: 'SUCCESS',
          targetType: 'Subject',
          targetId: randomUUID(),
          details: { page: i, zeta: 'z', alpha: true },
        }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        db.prisma.$transaction((tx) =>
          recordAudit(tx, admin, { action: 'user.suspend', outcome: 'SUCCESS', details: { n: i } }),
        ),
      ),
    ]);
    const rows = await db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(50);
    expect(rows[0]!.prevHash).toBe(genesisHash);
    // Each links to the one before it: one chain, whatever order the writers committed in.
    rows.slice(1).forEach((row, i) => expect(row.prevHash).toBe(rows[i]!.hash));
    // The hash is over the stored content: jsonb's own key order does not matter.
    for (const row of rows)
      expect(auditEventHash({ ...row, details: row.details as JsonValue }, row.prevHash!)).toBe(row.hash);
    expect(await verify()).toEqual({ ok: true, records: 50, brokenAt: null, reason: null });
  });

  it('refuses an event without its hash, and leaves events written before the chain began outside it', async () => {
    await expect(
      db.prisma.$executeRawUnsafe(`INSERT INTO identity.audit_event (action, outcome) VALUES ('forged', 'SUCCESS')`),
    ).rejects.toThrow(/must carry their chain hash/);
    expect(await db.prisma.auditEvent.count()).toBe(0);

    // Events from before the migration: written with the check switched off, as they were then.
    await db.prisma.$transaction([
      db.prisma.$executeRawUnsafe('ALTER TABLE identity.audit_event DISABLE TRIGGER audit_event_chained'),
      db.prisma.$executeRawUnsafe(
        `INSERT INTO identity.audit_event (action, outcome) VALUES ('session.signIn', 'SUCCESS'), ('subject.read', 'SUCCESS')`,
      ),
      db.prisma.$executeRawUnsafe('ALTER TABLE identity.audit_event ENABLE TRIGGER audit_event_chained'),
    ]);
    await recordAuditAlone(db.prisma, admin, { action: 'audit.read', outcome: 'SUCCESS' });
    await recordAuditAlone(db.prisma, admin, { action: 'audit.read', outcome: 'SUCCESS' });
    expect(await verify()).toEqual({ ok: true, records: 2, brokenAt: null, reason: null });

    // An unhashed event slipped in after the chain began is a break.
    const slipped = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('ALTER TABLE identity.audit_event DISABLE TRIGGER audit_event_chained');
      const [row] = await tx.$queryRawUnsafe<Array<{ id: bigint }>>(
        `INSERT INTO identity.audit_event (action, outcome) VALUES ('slipped', 'SUCCESS') RETURNING id`,
      );
      await tx.$executeRawUnsafe('ALTER TABLE identity.audit_event ENABLE TRIGGER audit_event_chained');
      return row!.id;
    });
    expect(await verify()).toEqual({ ok: false, records: 2, brokenAt: slipped.toString(), reason: 'LINK_MISMATCH' });
  });

  it('is covered by the signed checkpoints: a trail rewritten and rehashed is found, naming the record', async () => {
    const keyFile = path.join(dir, 'keys', 'audit-checkpoint.key');
    const where = { keyFile, publicKeyFile: `${keyFile}.pub`, checkpointDir: path.join(dir, 'checkpoints') };
    for (const action of ['session.signIn', 'user.suspend', 'session.signOut'])
      await recordAuditAlone(db.prisma, admin, { action, outcome: 'SUCCESS', targetId: randomUUID() });
    const signed = await checkpointTrails(db.prisma, where, new Date());
    expect(signed.find((o) => o.trail === 'identity')).toMatchObject({ ok: true, checkpoint: { records: 3 } });

    // A table owner hides the suspension: rewrites it and recomputes every hash after it.
    const rows = await db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    let previous = rows[0]!.hash!;
    const rewrites = rows.slice(1).map((row, i) => {
      const facts = { ...row, details: row.details as JsonValue, ...(i === 0 ? { action: 'session.refresh' } : {}) };
      const hash = auditEventHash(facts, previous);
      const statement = db.prisma
        .$executeRaw`UPDATE identity.audit_event SET action = ${facts.action}, prev_hash = ${previous}, hash = ${hash} WHERE id = ${row.id}`;
      previous = hash;
      return statement;
    });
    await db.prisma.$transaction([
      db.prisma.$executeRawUnsafe('ALTER TABLE identity.audit_event DISABLE TRIGGER audit_event_no_update_or_delete'),
      db.prisma.$executeRaw`UPDATE identity.audit_event SET hash = 'rewriting-' || id WHERE id > ${rows[0]!.id}`,
      ...rewrites,
      db.prisma.$executeRawUnsafe('ALTER TABLE identity.audit_event ENABLE TRIGGER audit_event_no_update_or_delete'),
    ]);

    // The chain alone links up again; the checkpoint does not agree, and names the signed record.
    expect(await verify()).toMatchObject({ ok: true, records: 3 });
    const verdict = (await verifyTrails(db.prisma, where)).find((v) => v.trail === 'identity');
    expect(verdict).toEqual({
      trail: 'identity',
      ok: false,
      problem: expect.stringContaining(`record ${rows[2]!.id} differs from the checkpoint signed at`),
    });
  });
});
