import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initSecrets, type InitSecretsSettings } from './init-secrets';
import { openCertificateAuthority } from './pki/certificate-authority';
import { readServerCertificateFiles } from './server-tls';
import { StartupError } from './startup-error';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-init-secrets-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** docker-compose's layout: each kind of file on its own volume. */
function composeLayout(): InitSecretsSettings {
  return {
    caDir: path.join(root, 'ca'),
    caCertFile: path.join(root, 'public', 'ca.crt'),
    exchangeKeysDir: path.join(root, 'exchange'),
    internalTokenKeyFile: path.join(root, 'internal-token', 'internal-token.key'),
    internalTokenPublicKeyFile: path.join(root, 'public', 'internal-token.pub'),
    tlsFiles: { certFile: path.join(root, 'tls', 'server.crt'), keyFile: path.join(root, 'tls', 'server.key') },
    tlsHostnames: ['renkei.example.jp', '127.0.0.1'],
  };
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('initSecrets', () => {
  it('creates the CA with the keys beside it, the token keys, the public copies and a server certificate', async () => {
    const settings = composeLayout();
    await initSecrets(settings);
    expect(fs.readdirSync(settings.caDir).sort()).toEqual(
      ['ca.crt', 'ca.key', 'exchange-ed25519.key', 'exchange-es384.key', 'partner-keys.kek'].sort(),
    );
    const ca = await openCertificateAuthority(settings.caDir);
    // The public volume holds public files only.
    expect(fs.readdirSync(path.join(root, 'public')).sort()).toEqual(['ca.crt', 'internal-token.pub']);
    expect(fs.readFileSync(settings.caCertFile as string, 'utf8')).toBe(ca.caCertificatePem);
    expect(fs.readFileSync(settings.internalTokenPublicKeyFile as string, 'utf8')).toBe(
      fs.readFileSync(path.join(root, 'internal-token', 'internal-token.pub'), 'utf8'),
    );
    const tls = settings.tlsFiles as { certFile: string; keyFile: string };
    const server = readServerCertificateFiles(tls);
    expect(ca.verifies(server.certificatePem)).toBe(true);
    expect(mode(tls.keyFile)).toBe(0o600);
    expect(mode(path.join(root, 'internal-token', 'internal-token.key'))).toBe(0o600);
    // The worker's CA_DIR: everything but the CA's key, each key still 0600.
    expect(fs.readdirSync(path.join(root, 'exchange')).sort()).toEqual(
      ['ca.crt', 'exchange-ed25519.key', 'exchange-es384.key', 'partner-keys.kek'].sort(),
    );
    for (const file of ['exchange-ed25519.key', 'exchange-es384.key', 'partner-keys.kek']) {
      expect([file, fs.readFileSync(path.join(root, 'exchange', file), 'utf8')]).toEqual([
        file,
        fs.readFileSync(path.join(settings.caDir, file), 'utf8'),
      ]);
      expect([file, mode(path.join(root, 'exchange', file))]).toEqual([file, 0o600]);
    }
  });

  it('refuses to copy CA_DIR onto itself', async () => {
    const settings = { ...composeLayout(), exchangeKeysDir: path.join(root, 'ca') };
    await expect(initSecrets(settings)).rejects.toThrow(StartupError);
    expect(fs.existsSync(path.join(root, 'ca', 'ca.key'))).toBe(true);
  });

  it('keeps every key on a second run, and rewrites only the public copies', async () => {
    const settings = composeLayout();
    await initSecrets(settings);
    const before = new Map(
      [
        'ca/ca.key',
        'ca/exchange-ed25519.key',
        'ca/partner-keys.kek',
        'internal-token/internal-token.key',
        'tls/server.key',
        'tls/server.crt',
      ].map((file) => [file, fs.readFileSync(path.join(root, file), 'utf8')]),
    );
    fs.writeFileSync(settings.caCertFile as string, 'stale');
    await initSecrets(settings);
    for (const [file, content] of before)
      expect([file, fs.readFileSync(path.join(root, file), 'utf8')]).toEqual([file, content]);
    expect(fs.readFileSync(settings.caCertFile as string, 'utf8')).toBe(
      fs.readFileSync(path.join(settings.caDir, 'ca.crt'), 'utf8'),
    );
  });

  it('refuses half a server certificate pair rather than replace it', async () => {
    const settings = composeLayout();
    const tls = settings.tlsFiles as { certFile: string; keyFile: string };
    fs.mkdirSync(path.dirname(tls.certFile), { recursive: true });
    fs.writeFileSync(tls.certFile, 'an operator certificate');
    await expect(initSecrets(settings)).rejects.toThrow(StartupError);
    expect(fs.readFileSync(tls.certFile, 'utf8')).toBe('an operator certificate');
  });

  it('without the new settings, creates what it created before: the CA and the token keys beside it', async () => {
    const caDir = path.join(root, 'secrets', 'ca');
    await initSecrets({
      caDir,
      caCertFile: undefined,
      exchangeKeysDir: undefined,
      tlsFiles: undefined,
      tlsHostnames: ['localhost'],
      internalTokenKeyFile: undefined,
      internalTokenPublicKeyFile: undefined,
    });
    expect(fs.readdirSync(path.join(root, 'secrets', 'keys')).sort()).toEqual([
      'internal-token.key',
      'internal-token.pub',
    ]);
    expect(fs.existsSync(path.join(caDir, 'ca.key'))).toBe(true);
  });
});
