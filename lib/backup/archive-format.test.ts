import { randomBytes } from 'node:crypto';
import { openArchive, readArchiveHeader, sealArchive, sealPayload, u32, type NewMember } from './archive-format';
import { BackupError, type BackupErrorCode } from './backup-error';
import { backupKeyOf } from './backup-key';
import { manifestFormat, type Manifest } from './manifest';

const key = backupKeyOf(Buffer.alloc(32, 7));
const otherKey = backupKeyOf(Buffer.alloc(32, 9));
const manifest: Omit<Manifest, 'members'> = {
  format: manifestFormat,
  createdAt: '2026-12-06T03:00:00.000Z',
  app: { name: 'renkei', version: '0.1.0' },
  database: {
    serverVersion: '15.20',
    pgDumpVersion: 'pg_dump (PostgreSQL) 15.20',
    migrations: ['20261120000000_init'],
    tables: { 'identity.User': 3, 'rooms.Post': 12 },
  },
};
const members: NewMember[] = [
  { name: 'database.dump', bytes: randomBytes(4096), mode: 0o600 },
  { name: 'files/ca/ca.key', bytes: Buffer.from('-----BEGIN PRIVATE KEY-----\n'), mode: 0o600 },
  { name: 'files/audit-checkpoints/rooms.checkpoints.jsonl', bytes: Buffer.from('{}\n'), mode: 0o644 },
];

function refusal(fn: () => unknown): { code: BackupErrorCode; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof BackupError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the backup archive', () => {
  const archive = sealArchive(key, manifest, members);

  it('opens with its key into the manifest and every member, byte for byte', () => {
    const opened = openArchive(key, archive);
    expect(opened.manifest).toMatchObject(manifest);
    expect(opened.manifest.members.map((m) => [m.name, m.size, m.mode])).toEqual(
      members.map((m) => [m.name, m.bytes.length, m.mode]),
    );
    for (const m of members) expect(opened.members.get(m.name)).toEqual(m.bytes);
  });

  it('shows no member in the clear: the header holds only the format, key id, IV and time', () => {
    expect(archive.includes(Buffer.from('BEGIN PRIVATE KEY'))).toBe(false);
    expect(archive.includes(Buffer.from('identity.User'))).toBe(false);
    expect(readArchiveHeader(archive).header).toEqual({
      format: 1,
      keyId: key.keyId,
      iv: expect.any(String),
      createdAt: manifest.createdAt,
    });
  });

  it('refuses an archive made with another key as foreign, naming both key ids', () => {
    expect(refusal(() => openArchive(otherKey, archive))).toEqual({
      code: 'FOREIGN_ARCHIVE',
      message: expect.stringContaining(`key id ${key.keyId}; this installation's key is ${otherKey.keyId}`),
    });
  });

  it.each([
    ['a flipped bit in the encrypted body', (a: Buffer) => flip(a, a.length - 100)],
    ['a flipped bit in the tag', (a: Buffer) => flip(a, a.length - 1)],
    ['a truncated file', (a: Buffer) => a.subarray(0, a.length - 1000)],
    ['a file cut after its header', (a: Buffer) => a.subarray(0, readArchiveHeader(a).clearLength + 16)],
    ['bytes appended', (a: Buffer) => Buffer.concat([a, Buffer.from('x')])],
  ])('refuses %s as damaged', (_what, damage) => {
    expect(refusal(() => openArchive(key, damage(archive)))).toEqual({
      code: 'DAMAGED_ARCHIVE',
      message: expect.stringContaining('damaged, truncated or altered'),
    });
  });

  it('refuses an altered clear header (it is authenticated with the body)', () => {
    const text = archive.toString('latin1').replace('2026-12-06T03:00:00.000Z', '2026-12-07T03:00:00.000Z');
    expect(refusal(() => openArchive(key, Buffer.from(text, 'latin1'))).code).toBe('DAMAGED_ARCHIVE');
  });

  it('refuses a file that is not an archive, and a format it does not read', () => {
    expect(refusal(() => openArchive(key, Buffer.from('PGDMP custom dump')))).toEqual({
      code: 'NOT_A_BACKUP',
      message: 'this file is not a Renkei backup archive',
    });
    const header = Buffer.from(JSON.stringify({ format: 2, keyId: key.keyId, iv: 'AAAAAAAAAAAAAAAA', createdAt: '' }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    const future = Buffer.concat([Buffer.from('RENKEIBK'), length, header, Buffer.alloc(64)]);
    expect(refusal(() => openArchive(key, future)).code).toBe('UNSUPPORTED_FORMAT');
    const garbled = Buffer.concat([
      Buffer.from('RENKEIBK'),
      length,
      Buffer.alloc(header.length, 0x7b),
      Buffer.alloc(64),
    ]);
    expect(refusal(() => openArchive(key, garbled)).code).toBe('DAMAGED_ARCHIVE');
  });

  it('refuses, even under the right key, a payload whose member does not match the manifest', () => {
    // Only the key's holder can make one (a bug, a hand-made archive): the members' checksums still catch it.
    const described = openArchive(key, archive).manifest;
    const manifestBytes = Buffer.from(JSON.stringify(described));
    const swapped = Buffer.from(members[1]!.bytes);
    swapped[0] = 0x2a;
    const payload = Buffer.concat([
      u32(manifestBytes.length),
      manifestBytes,
      members[0]!.bytes,
      swapped,
      members[2]!.bytes,
    ]);
    expect(refusal(() => openArchive(key, sealPayload(key, payload, manifest.createdAt)))).toEqual({
      code: 'DAMAGED_ARCHIVE',
      message: "the archive's member files/ca/ca.key does not match its checksum",
    });
    const extra = Buffer.concat([payload.subarray(0, payload.length), Buffer.from('tail')]);
    expect(refusal(() => openArchive(key, sealPayload(key, extra, manifest.createdAt))).code).toBe('DAMAGED_ARCHIVE');
  });
});

function flip(archive: Buffer, at: number): Buffer {
  const copy = Buffer.from(archive);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}
