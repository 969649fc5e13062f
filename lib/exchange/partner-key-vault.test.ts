import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StartupError } from '../startup-error';
import { memoryPartnerKeyVault, openPartnerKeyVault, partnerKeyKekFileName } from './partner-key-vault';

describe('the partner key vault (sealed client keys, KEK beside the CA)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-kek-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the KEK once (0600), and a second opening reads the same key', () => {
    const first = openPartnerKeyVault(dir);
    const file = path.join(dir, partnerKeyKekFileName);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const sealed = first.seal('-----BEGIN PRIVATE KEY-----\nsecret\n', 'partner-a|credential-1');
    expect(sealed).not.toContain('secret');
    const second = openPartnerKeyVault(dir);
    expect(second.keyId).toBe(first.keyId);
    expect(second.open(sealed, 'partner-a|credential-1')).toBe('-----BEGIN PRIVATE KEY-----\nsecret\n');
  });

  it('does not open a sealed key for another context, under another KEK, or altered', () => {
    const vault = openPartnerKeyVault(dir);
    const sealed = vault.seal('key', 'partner-a|credential-1');
    expect(() => vault.open(sealed, 'partner-b|credential-1')).toThrow();
    expect(() => memoryPartnerKeyVault().open(sealed, 'partner-a|credential-1')).toThrow(/another key-encryption key/);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('kez').toString('base64url');
    expect(() => vault.open(parts.join('.'), 'partner-a|credential-1')).toThrow();
  });

  it('refuses a KEK readable by others or not 256 bits, as a start-up error', () => {
    const loose = fs.mkdtempSync(path.join(dir, 'loose-'));
    fs.writeFileSync(path.join(loose, partnerKeyKekFileName), Buffer.alloc(32).toString('base64'), { mode: 0o644 });
    expect(() => openPartnerKeyVault(loose)).toThrow(StartupError);
    const short = fs.mkdtempSync(path.join(dir, 'short-'));
    fs.writeFileSync(path.join(short, partnerKeyKekFileName), 'AAAA', { mode: 0o600 });
    expect(() => openPartnerKeyVault(short)).toThrow(/not a 256-bit key/);
  });
});
