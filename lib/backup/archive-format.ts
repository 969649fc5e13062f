// The archive container, one file:
//
//   "RENKEIBK" | u32 header length | header JSON (clear) | AES-256-GCM ciphertext | 16-byte tag
//
// The clear header holds only the format, the backup key's id, the IV and the
// creation time: enough to refuse an archive from another installation (its
// key id differs) before decrypting. The header is the cipher's additional
// authenticated data, so it cannot be altered either. The plaintext is
//
//   u32 manifest length | manifest JSON | each member's bytes, in the manifest's order
//
// A flipped bit or a truncated file fails the GCM tag and nothing is returned;
// the members are then checked against the manifest's sizes and SHA-256s.
// The whole payload is held in memory (an archive of the benchmark's network
// is a few megabytes); GCM releases no plaintext that restore could act on
// before the tag has been checked.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BackupError } from './backup-error';
import type { BackupKey } from './backup-key';
import { describeMember, parseManifest, sha256, type Manifest } from './manifest';

export const archiveMagic = Buffer.from('RENKEIBK', 'ascii');
export const archiveFormat = 1;
const tagLength = 16;

export interface ArchiveHeader {
  format: number;
  keyId: string;
  iv: string;
  createdAt: string;
}

export interface ArchiveContents {
  manifest: Manifest;
  /** Member name → bytes, every one checked against the manifest. */
  members: Map<string, Buffer>;
}

export interface NewMember {
  name: string;
  bytes: Buffer;
  mode: number;
}

/** Builds the encrypted archive from a manifest (without members: they are described here) and the members. */
export function sealArchive(
  key: BackupKey,
  manifest: Omit<Manifest, 'members'>,
  members: NewMember[],
  iv: Buffer = randomBytes(12),
): Buffer {
  const full: Manifest = { ...manifest, members: members.map((m) => describeMember(m.name, m.bytes, m.mode)) };
  const manifestBytes = Buffer.from(JSON.stringify(full), 'utf8');
  const plaintext = Buffer.concat([u32(manifestBytes.length), manifestBytes, ...members.map((m) => m.bytes)]);
  return sealPayload(key, plaintext, manifest.createdAt, iv);
}

/** Encrypts a payload (manifest length, manifest, members) under the clear header. */
export function sealPayload(
  key: BackupKey,
  plaintext: Buffer,
  createdAt: string,
  iv: Buffer = randomBytes(12),
): Buffer {
  const header: ArchiveHeader = {
    format: archiveFormat,
    keyId: key.keyId,
    iv: iv.toString('base64'),
    createdAt,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const clear = Buffer.concat([archiveMagic, u32(headerBytes.length), headerBytes]);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(clear);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([clear, body, cipher.getAuthTag()]);
}

/** The clear header, without the key: what an archive claims to be. */
export function readArchiveHeader(archive: Buffer): { header: ArchiveHeader; clearLength: number } {
  if (archive.length < archiveMagic.length + 4 || !archive.subarray(0, archiveMagic.length).equals(archiveMagic))
    throw new BackupError('NOT_A_BACKUP', 'this file is not a Renkei backup archive');
  const headerLength = archive.readUInt32BE(archiveMagic.length);
  const clearLength = archiveMagic.length + 4 + headerLength;
  if (clearLength + tagLength > archive.length)
    throw new BackupError('DAMAGED_ARCHIVE', 'the archive is truncated (its header runs past the end of the file)');
  let header: ArchiveHeader;
  try {
    header = JSON.parse(archive.subarray(archiveMagic.length + 4, clearLength).toString('utf8')) as ArchiveHeader;
  } catch {
    throw new BackupError('DAMAGED_ARCHIVE', "the archive's header is damaged (not JSON)");
  }
  if (
    typeof header !== 'object' ||
    header === null ||
    typeof header.keyId !== 'string' ||
    typeof header.iv !== 'string'
  )
    throw new BackupError('DAMAGED_ARCHIVE', "the archive's header is damaged (fields missing)");
  if (header.format !== archiveFormat)
    throw new BackupError(
      'UNSUPPORTED_FORMAT',
      `the archive is in format ${String(header.format)}; this version reads format ${archiveFormat}`,
    );
  return { header, clearLength };
}

/** Decrypts and checks an archive; refuses a foreign, damaged or altered one, returning nothing of it. */
export function openArchive(key: BackupKey, archive: Buffer): ArchiveContents {
  const { header, clearLength } = readArchiveHeader(archive);
  if (header.keyId !== key.keyId)
    throw new BackupError(
      'FOREIGN_ARCHIVE',
      `the archive was made with another backup key (key id ${header.keyId}; this installation's key is ${key.keyId}): ` +
        "it is another installation's archive, or BACKUP_KEY_FILE names the wrong key",
    );
  const iv = Buffer.from(header.iv, 'base64');
  if (iv.length !== 12) throw new BackupError('DAMAGED_ARCHIVE', "the archive's header is damaged (IV)");
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
    decipher.setAAD(archive.subarray(0, clearLength));
    decipher.setAuthTag(archive.subarray(archive.length - tagLength));
    plaintext = Buffer.concat([
      decipher.update(archive.subarray(clearLength, archive.length - tagLength)),
      decipher.final(),
    ]);
  } catch {
    throw new BackupError(
      'DAMAGED_ARCHIVE',
      'the archive is damaged, truncated or altered (its authentication tag does not match); nothing was restored',
    );
  }
  return unpack(plaintext);
}

function unpack(plaintext: Buffer): ArchiveContents {
  if (plaintext.length < 4) throw new BackupError('DAMAGED_ARCHIVE', "the archive's payload is empty");
  const manifestLength = plaintext.readUInt32BE(0);
  if (4 + manifestLength > plaintext.length)
    throw new BackupError('DAMAGED_ARCHIVE', "the archive's manifest runs past the end of its payload");
  const manifest = parseManifest(plaintext.subarray(4, 4 + manifestLength).toString('utf8'));
  const members = new Map<string, Buffer>();
  let offset = 4 + manifestLength;
  for (const m of manifest.members) {
    const bytes = plaintext.subarray(offset, offset + m.size);
    offset += m.size;
    if (bytes.length !== m.size || sha256(bytes) !== m.sha256)
      throw new BackupError('DAMAGED_ARCHIVE', `the archive's member ${m.name} does not match its checksum`);
    if (members.has(m.name)) throw new BackupError('DAMAGED_ARCHIVE', `the archive names ${m.name} twice`);
    members.set(m.name, bytes);
  }
  if (offset !== plaintext.length)
    throw new BackupError('DAMAGED_ARCHIVE', 'the archive holds bytes its manifest does not describe');
  return { manifest, members };
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
