// Signed checkpoints of the access chains against real PostgreSQL: a chain
// rewritten and rehashed from one record on (what a role that can write the
// table could do, and what the chain alone cannot notice) is found by
// audit:verify, which names the record; a removed tail is found too; a
// checkpoint line altered or signed with another key is not trusted; and
// audit:checkpoint refuses to sign over a broken chain.
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { appendAccessRecord, type AccessRecordDelegate, type ChainStore } from '../../lib/audit/access-log';
import { verifyTrailChain, accessRecordReader } from '../../lib/audit/chain-reader';
import { checkpointTrails, verifyTrails } from '../../lib/audit/checkpoint-runs';
import { checkpointFile } from '../../lib/audit/checkpoint-files';
import { chainHash, genesisHash } from '../../lib/audit/hash-chain';
import { auditCheckpoint } from '../../adapters/jobs/audit-checkpoint';
import type { DepsWith } from '../../adapters/job-definition';
import { captureLogger } from '../support/capture-logger';
import { createMetrics } from '../../lib/metrics/metrics';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually } from '../support/eventually';

describe('signed checkpoints of the access chains (audit:checkpoint, audit:verify)', () => {
  let db: TestDatabase;
  let dir: string;
  let where: { keyFile: string; publicKeyFile: string; checkpointDir: string };
  const rooms = () => db.prisma.roomsAccessRecord as unknown as AccessRecordDelegate;

  const store = (): ChainStore => ({
    lockKey: 1,
    records: rooms(),
    lock: (key) => db.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${key})`,
  });
  const append = (n: number) =>
    Array.from({ length: n }).reduce<Promise<void>>(
      (previous) =>
        previous.then(() =>
          appendAccessRecord(store(), {
            at: new Date(),
            actorId: randomUUID(),
            actorRole: 'USER',
            subjectId: randomUUID(),
            roomId: randomUUID(),
            action: 'READ',
            what: 'timeline',
            outcome: 'SUCCESS',
          }),
        ),
      Promise.resolve(),
    );

  /** What a table owner could do: rewrite from `seq` on, recomputing every hash after it. */
  async function rewriteFrom(seq: bigint, change: { what: string }) {
    const records = await db.prisma.roomsAccessRecord.findMany({
      where: { seq: { gte: seq } },
      orderBy: { seq: 'asc' },
    });
    const before = await db.prisma.roomsAccessRecord.findFirst({
      where: { seq: { lt: seq } },
      orderBy: { seq: 'desc' },
    });
    let previous = before?.hash ?? genesisHash;
    const updates = records.map((record, index) => {
      const facts = { ...record, ...(index === 0 ? change : {}) };
      const hash = chainHash(facts, previous);
      const statement = db.prisma
        .$executeRaw`UPDATE rooms.access_record SET what = ${facts.what}, prev_hash = ${previous}, hash = ${hash} WHERE seq = ${record.seq}`;
      previous = hash;
      return statement;
    });
    await db.prisma.$transaction([
      db.prisma.$executeRawUnsafe('ALTER TABLE rooms.access_record DISABLE TRIGGER access_record_no_update_or_delete'),
      // Through a placeholder hash first: each new hash must not meet an old one under the unique index.
      db.prisma.$executeRaw`UPDATE rooms.access_record SET hash = 'rewriting-' || seq WHERE seq >= ${seq}`,
      ...updates,
      db.prisma.$executeRawUnsafe('ALTER TABLE rooms.access_record ENABLE TRIGGER access_record_no_update_or_delete'),
    ]);
  }

  beforeEach(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-checkpoints-'));
    const keyFile = path.join(dir, 'keys', 'audit-checkpoint.key');
    where = { keyFile, publicKeyFile: `${keyFile}.pub`, checkpointDir: path.join(dir, 'checkpoints') };
  });
  afterEach(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs each head, and an untouched chain agrees with every checkpoint', async () => {
    await append(3);
    const first = await checkpointTrails(db.prisma, where, new Date());
    expect(first.map((o) => [o.trail, o.ok])).toEqual([
      ['rooms', true],
      ['consent', true],
      ['identity', true],
    ]);
    expect(fs.statSync(where.keyFile).mode & 0o777).toBe(0o600);
    await append(2);
    await checkpointTrails(db.prisma, where, new Date());
    const lines = fs.readFileSync(checkpointFile(where.checkpointDir, 'rooms'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { records: number }).records)).toEqual([3, 5]);

    expect(await verifyTrails(db.prisma, where)).toEqual([
      { trail: 'rooms', ok: true, records: 5, checkpoints: 2, lastSigned: expect.any(String) },
      { trail: 'consent', ok: true, records: 0, checkpoints: 2, lastSigned: expect.any(String) },
      { trail: 'identity', ok: true, records: 1, checkpoints: 2, lastSigned: expect.any(String) },
    ]);
  });

  it('finds a chain rewritten and rehashed from one record on, which the chain alone does not', async () => {
    await append(4);
    await checkpointTrails(db.prisma, where, new Date());
    await append(2);
    await checkpointTrails(db.prisma, where, new Date());
    const third = await db.prisma.roomsAccessRecord.findMany({ orderBy: { seq: 'asc' }, skip: 2, take: 1 });
    await rewriteFrom(third[0]!.seq, { what: 'nothing-to-see' });

    // The chain links up again: without checkpoints the rewrite is invisible.
    expect(await verifyTrailChain(accessRecordReader(db.prisma.roomsAccessRecord), async () => 0)).toEqual({
      ok: true,
      records: 6,
      brokenAt: null,
      reason: null,
    });
    const [roomsVerdict, consentVerdict] = await verifyTrails(db.prisma, where);
    const fourth = (await db.prisma.roomsAccessRecord.findMany({ orderBy: { seq: 'asc' }, skip: 3, take: 1 }))[0]!;
    expect(roomsVerdict).toEqual({
      trail: 'rooms',
      ok: false,
      problem: expect.stringContaining(`record ${fourth.seq} differs from the checkpoint signed at`),
    });
    expect(roomsVerdict!.ok || roomsVerdict!.problem).toContain('agrees with the checkpoints up to seq 0');
    expect(consentVerdict!.ok).toBe(true);

    // And no checkpoint is signed over it: the last signed record no longer has its signed hash.
    const refused = await checkpointTrails(db.prisma, where, new Date());
    expect(refused[0]).toEqual({
      trail: 'rooms',
      ok: false,
      failure: 'broken',
      problem: expect.stringMatching(/^record \d+ differs from the checkpoint signed at/),
    });
  });

  it('does not sign a head when a record since the last checkpoint was altered', async () => {
    await append(2);
    await checkpointTrails(db.prisma, where, new Date());
    await append(2);
    const altered = await db.prisma.roomsAccessRecord.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    await db.prisma.$transaction([
      db.prisma.$executeRawUnsafe('ALTER TABLE rooms.access_record DISABLE TRIGGER access_record_no_update_or_delete'),
      db.prisma.$executeRaw`UPDATE rooms.access_record SET what = 'altered' WHERE seq = ${altered.seq}`,
      db.prisma.$executeRawUnsafe('ALTER TABLE rooms.access_record ENABLE TRIGGER access_record_no_update_or_delete'),
    ]);
    const [outcome] = await checkpointTrails(db.prisma, where, new Date());
    expect(outcome).toEqual({
      trail: 'rooms',
      ok: false,
      failure: 'broken',
      problem: `record ${altered.seq} breaks the chain (its content was altered)`,
    });
    expect(fs.readFileSync(checkpointFile(where.checkpointDir, 'rooms'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await verifyTrails(db.prisma, where))[0]).toEqual({
      trail: 'rooms',
      ok: false,
      problem: `record ${altered.seq} breaks the chain (its content was altered)`,
    });
  });

  it('finds records removed after a checkpoint', async () => {
    await append(3);
    await checkpointTrails(db.prisma, where, new Date());
    const last = await db.prisma.roomsAccessRecord.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    await db.prisma.$transaction([
      db.prisma.$executeRawUnsafe('ALTER TABLE rooms.access_record DISABLE TRIGGER access_record_no_update_or_delete'),
      db.prisma.$executeRaw`DELETE FROM rooms.access_record WHERE seq = ${last.seq}`,
      db.prisma.$executeRawUnsafe('ALTER TABLE rooms.access_record ENABLE TRIGGER access_record_no_update_or_delete'),
    ]);
    const [verdict] = await verifyTrails(db.prisma, where);
    expect(verdict).toEqual({
      trail: 'rooms',
      ok: false,
      problem: expect.stringContaining(`record ${last.seq}, signed at`),
    });
  });

  it('does not trust a checkpoint line altered, or signed with another key', async () => {
    await append(2);
    await checkpointTrails(db.prisma, where, new Date());
    const file = checkpointFile(where.checkpointDir, 'rooms');
    const original = fs.readFileSync(file, 'utf8');
    const line = JSON.parse(original) as { records: number };
    fs.writeFileSync(file, `${JSON.stringify({ ...line, records: 1 })}\n`);
    expect((await verifyTrails(db.prisma, where))[0]).toEqual({
      trail: 'rooms',
      ok: false,
      problem: expect.stringContaining('line 1 cannot be trusted: the signature does not match'),
    });

    // Checkpoints signed by someone else's key (a forger re-signing a rewritten chain) do not verify with ours.
    fs.writeFileSync(file, original);
    const otherKey = path.join(dir, 'other', 'audit-checkpoint.key');
    await checkpointTrails(db.prisma, { keyFile: otherKey, checkpointDir: path.join(dir, 'forged') }, new Date());
    fs.copyFileSync(checkpointFile(path.join(dir, 'forged'), 'rooms'), file);
    expect((await verifyTrails(db.prisma, where))[0]).toMatchObject({ trail: 'rooms', ok: false });
  });

  it('sends each signed line to a syslog collector too, over UDP and over TCP', async () => {
    await append(2);
    const udp = dgram.createSocket('udp4');
    const udpReceived: string[] = [];
    udp.on('message', (message) => udpReceived.push(message.toString('utf8')));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const tcpReceived: Buffer[] = [];
    const tcp = net.createServer((socket) => socket.on('data', (chunk) => tcpReceived.push(chunk)));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    try {
      const udpTarget = { protocol: 'udp' as const, host: '127.0.0.1', port: udp.address().port };
      const signed = await checkpointTrails(db.prisma, { ...where, syslog: udpTarget }, new Date());
      expect(signed.map((o) => o.ok)).toEqual([true, true, true]);
      await eventually(
        async () => udpReceived.length,
        (n) => n === 3,
      );
      expect(udpReceived).toHaveLength(3);
      // The file's line itself is the message: the collector's copy verifies as the file's does.
      const fileLine = fs.readFileSync(checkpointFile(where.checkpointDir, 'rooms'), 'utf8').trim();
      const roomsMessage = udpReceived.find((m) => m.includes('"trail":"rooms"'))!;
      expect(roomsMessage.startsWith('<109>1 ')).toBe(true);
      expect(roomsMessage.endsWith(` renkei ${process.pid} audit-checkpoint - ${fileLine}`)).toBe(true);

      const tcpTarget = { protocol: 'tcp' as const, host: '127.0.0.1', port: (tcp.address() as net.AddressInfo).port };
      await checkpointTrails(db.prisma, { ...where, syslog: tcpTarget }, new Date());
      const frames = await eventually(
        async () => Buffer.concat(tcpReceived).toString('utf8'),
        (text) => (text.match(/audit-checkpoint/g) ?? []).length === 3,
      );
      expect(frames.match(/audit-checkpoint/g)).toHaveLength(3);
      // Octet-counted frames (RFC 6587): the length prefix is the message's byte length.
      const first = /^(\d+) /.exec(frames)!;
      expect(frames.slice(first[0].length, first[0].length + Number(first[1]))).toMatch(
        /^<109>1 .* audit-checkpoint - \{.*\}$/,
      );
    } finally {
      udp.close();
      await new Promise((resolve) => tcp.close(resolve));
    }
  });

  it('keeps the signed line in the file and reports a collector that does not take it', async () => {
    await append(1);
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcomes = await checkpointTrails(
      db.prisma,
      { ...where, syslog: { protocol: 'tcp', host: '127.0.0.1', port } },
      new Date(),
    );
    expect(outcomes[0]).toEqual({
      trail: 'rooms',
      ok: false,
      failure: 'not_forwarded',
      problem: expect.stringContaining('signed into the file, but the syslog collector did not take it'),
    });
    expect(fs.readFileSync(checkpointFile(where.checkpointDir, 'rooms'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await verifyTrails(db.prisma, where)).map((v) => v.ok)).toEqual([true, true, true]);
  });

  it('is signed at intervals by the worker’s job, which logs and counts a trail it will not sign', async () => {
    await append(2);
    const log = captureLogger();
    const metrics = createMetrics();
    const deps = {
      auditCheckpoints: { db: db.prisma, keyFile: where.keyFile, checkpointDir: where.checkpointDir },
      logger: log.logger,
      metrics,
    } as unknown as DepsWith<'auditCheckpoints'>;
    const counted = async (trail: string, result: string) =>
      (await metrics.chainVerifications.get()).values.find(
        (v) => v.labels.trail === trail && v.labels.result === result,
      )?.value ?? 0;
    await auditCheckpoint.process({}, {} as never, deps);
    expect(
      log.lines.filter((l) => l.msg === 'signed an access chain checkpoint').map((l) => [l.trail, l.records]),
    ).toEqual([
      ['rooms', 2],
      ['consent', 0],
      ['identity', 1],
    ]);
    expect((await verifyTrails(db.prisma, where)).map((v) => v.ok)).toEqual([true, true, true]);
    expect([await counted('rooms', 'ok'), await counted('identity', 'ok'), await counted('rooms', 'broken')]).toEqual([
      1, 1, 0,
    ]);

    const last = await db.prisma.roomsAccessRecord.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    await rewriteFrom(last.seq, { what: 'nothing-to-see' });
    await auditCheckpoint.process({}, {} as never, deps);
    expect(log.lines.filter((l) => l.level >= 50)).toEqual([
      expect.objectContaining({
        msg: 'access chain checkpoint not completed',
        trail: 'rooms',
        problem: `record ${last.seq} differs from the checkpoint signed at ${(JSON.parse(fs.readFileSync(checkpointFile(where.checkpointDir, 'rooms'), 'utf8').trim()) as { at: string }).at}`,
      }),
    ]);
    // What the alert rule RenkeiAuditChainBroken watches.
    expect([await counted('rooms', 'broken'), await counted('consent', 'ok')]).toEqual([1, 2]);
  });
});
