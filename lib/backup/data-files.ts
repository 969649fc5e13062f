// The files a restore must bring back with the database, and where they go:
// everything in CA_DIR (the network CA's key and certificate, our exchange
// keys, the partner-key KEK), the internal-token key pair, the audit
// checkpoints' key pair and the checkpoint files. Each has a member name in
// the archive (files/ca/ca.key, files/keys/internal-token.key, …) that does
// not depend on where this installation keeps it, so an archive restores into
// another layout (another CA_DIR, DATA_DIR or key path). The backup key
// itself is never collected, wherever BACKUP_KEY_FILE points.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { BackupError } from './backup-error';
import type { NewMember } from './archive-format';

export interface DataLocations {
  caDir: string;
  internalTokenKeyFile: string;
  internalTokenPublicKeyFile: string;
  checkpointKeyFile: string;
  checkpointDir: string;
  /** Never collected, even when it lies in one of the directories above. */
  backupKeyFile: string;
}

/** Where this installation keeps its files (init-secrets's defaults where a variable is unset). */
export function dataLocations(
  config: Pick<Config, 'caDir' | 'internalTokenKeyFile' | 'internalTokenPublicKeyFile' | 'auditCheckpoints' | 'backup'>,
): DataLocations {
  const internalTokenKeyFile = path.resolve(
    config.internalTokenKeyFile ?? path.join(config.caDir, '..', 'keys', 'internal-token.key'),
  );
  return {
    caDir: config.caDir,
    internalTokenKeyFile,
    internalTokenPublicKeyFile: path.resolve(
      config.internalTokenPublicKeyFile ?? path.join(path.dirname(internalTokenKeyFile), 'internal-token.pub'),
    ),
    checkpointKeyFile: config.auditCheckpoints.keyFile,
    checkpointDir: config.auditCheckpoints.checkpointDir,
    backupKeyFile: path.resolve(config.backup.keyFile),
  };
}

const memberName = /^[A-Za-z0-9._-]+$/;
const requiredCaFiles = ['ca.key', 'ca.crt'];

/** The single files, by member name. */
function singleFiles(where: DataLocations): Array<[string, string]> {
  return [
    ['files/keys/internal-token.key', where.internalTokenKeyFile],
    ['files/keys/internal-token.pub', where.internalTokenPublicKeyFile],
    ['files/keys/audit-checkpoint.key', where.checkpointKeyFile],
    ['files/keys/audit-checkpoint.pub', `${where.checkpointKeyFile}.pub`],
  ];
}

/** Where a member goes on restore. */
export function targetOf(where: DataLocations, name: string): string {
  const single = singleFiles(where).find(([member]) => member === name);
  if (single) return single[1];
  const [, dir, file = ''] = name.split('/');
  if (dir === 'ca') return path.join(where.caDir, file);
  if (dir === 'audit-checkpoints') return path.join(where.checkpointDir, file);
  throw new BackupError('DAMAGED_ARCHIVE', `the archive holds ${name}, which this version does not know where to put`);
}

/** A private key or key-encryption key: 0600 whatever the archive says. */
export const isSecret = (name: string) => /\.(key|kek)$/.test(name);

function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

/**
 * Reads every file a restore needs. The CA must be there (without it the archive would be useless);
 * the other keys are collected when present (npm start keeps its internal key in memory; the
 * checkpoint key appears on the first checkpoint).
 */
export function collectDataFiles(where: DataLocations): NewMember[] {
  const caFiles = filesIn(where.caDir);
  const missing = requiredCaFiles.filter((name) => !caFiles.includes(name));
  if (missing.length > 0)
    throw new BackupError(
      'MISSING_FILE',
      `CA_DIR (${where.caDir}) has no ${missing.join(' or ')}: check CA_DIR; a backup without the network CA could not be restored`,
    );
  const sources: Array<[string, string]> = [
    ...caFiles.map((file): [string, string] => [`files/ca/${file}`, path.join(where.caDir, file)]),
    ...singleFiles(where).filter(([, file]) => fs.existsSync(file)),
    ...filesIn(where.checkpointDir).map((file): [string, string] => [
      `files/audit-checkpoints/${file}`,
      path.join(where.checkpointDir, file),
    ]),
  ];
  const backupKey = path.resolve(where.backupKeyFile);
  const members: NewMember[] = [];
  for (const [name, file] of sources) {
    if (path.resolve(file) === backupKey) continue;
    if (!memberName.test(path.basename(name)))
      throw new BackupError(
        'MISSING_FILE',
        `${file}: file names in these directories must be letters, digits, . _ or -`,
      );
    const bytes = fs.readFileSync(file);
    members.push({
      name,
      bytes: name.startsWith('files/audit-checkpoints/') ? wholeLines(bytes) : bytes,
      mode: fs.statSync(file).mode & 0o777,
    });
  }
  return members;
}

/** Files a restore would overwrite, or directories that already hold files: a restore goes into an empty data directory. */
export function occupiedTargets(where: DataLocations, names: string[]): string[] {
  const occupied = new Set<string>();
  for (const dir of [where.caDir, where.checkpointDir])
    for (const file of filesIn(dir)) occupied.add(path.join(dir, file));
  for (const name of names) {
    const target = targetOf(where, name);
    if (fs.existsSync(target)) occupied.add(target);
  }
  return [...occupied].sort();
}

/** Writes the members into place: directories 0700, keys 0600, never over an existing file. */
export function writeDataFiles(
  where: DataLocations,
  members: Map<string, Buffer>,
  modes: Map<string, number>,
): string[] {
  const written: string[] = [];
  for (const [name, bytes] of members) {
    if (name === 'database.dump') continue;
    const target = targetOf(where, name);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    const mode = isSecret(name) ? 0o600 : (modes.get(name) ?? 0o644) & 0o644;
    const fd = fs.openSync(target, 'wx', mode);
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(target, mode);
    written.push(target);
  }
  return written;
}

/** A checkpoint file up to its last complete line: the worker may be appending one while it is read. */
export function wholeLines(bytes: Buffer): Buffer {
  return bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
}
