import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BackupError } from './backup-error';
import { createBackupKey, readBackupKey } from './backup-key';

describe('the backup key file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-backup-key-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is created once (0600), read back with the same key id, and never replaced', () => {
    const file = path.join(dir, 'keys', 'backup.key');
    const created = createBackupKey(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readBackupKey(file)).toEqual(created);
    expect(() => createBackupKey(file)).toThrow(expect.objectContaining({ code: 'KEY_EXISTS' }));
    expect(readBackupKey(file)).toEqual(created);
  });

  it('refuses a missing key, one others can read, and one that is not 32 bytes, saying what to do', () => {
    expect(() => readBackupKey(path.join(dir, 'none.key'))).toThrow(
      expect.objectContaining({ code: 'NO_BACKUP_KEY', message: expect.stringContaining('--create-key') }),
    );
    const open = path.join(dir, 'open.key');
    fs.writeFileSync(open, Buffer.alloc(32).toString('base64'), { mode: 0o644 });
    fs.chmodSync(open, 0o644);
    expect(() => readBackupKey(open)).toThrow(expect.objectContaining({ code: 'BAD_BACKUP_KEY' }));
    const short = path.join(dir, 'short.key');
    fs.writeFileSync(short, Buffer.alloc(16).toString('base64'), { mode: 0o600 });
    expect(() => readBackupKey(short)).toThrow(BackupError);
  });
});
