// The backup key: 32 random bytes (base64 in a file, mode 0600) that encrypt
// every archive. It is never in an archive nor in the database, and it is the
// one thing an operator must keep off the machine (an offline copy): without
// it no archive opens, with it any archive of this installation does. Its key
// id (the first 16 hex digits of its SHA-256) is written in each archive's
// clear header, so an archive made under another key is named as foreign
// before anything is decrypted or written.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BackupError } from './backup-error';

export interface BackupKey {
  key: Buffer;
  keyId: string;
}

export function backupKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function backupKeyOf(key: Buffer): BackupKey {
  if (key.length !== 32) throw new BackupError('BAD_BACKUP_KEY', 'the backup key must be 32 bytes');
  return { key, keyId: backupKeyId(key) };
}

/** Reads BACKUP_KEY_FILE; a missing, readable-by-others or malformed file is refused with what to do. */
export function readBackupKey(file: string): BackupKey {
  let text: string;
  try {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077)
      throw new BackupError(
        'BAD_BACKUP_KEY',
        `the backup key ${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`,
      );
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(
      'NO_BACKUP_KEY',
      `no backup key at ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): create one with ` +
        "`npm run backup -- --create-key` (then keep an offline copy), or set BACKUP_KEY_FILE to the installation's key",
    );
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64') !== text.trim())
    throw new BackupError('BAD_BACKUP_KEY', `the backup key ${file} is not 32 bytes in base64`);
  return backupKeyOf(key);
}

/** Writes a new key (0600) and never overwrites one: losing the old key would lose every archive made with it. */
export function createBackupKey(file: string): BackupKey {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new BackupError('KEY_EXISTS', `a backup key already exists at ${file}; it is never replaced`);
    throw error;
  }
  return backupKeyOf(key);
}
