import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { internalKeyId, internalTokenSigner, internalTokenVerifier } from './internal-token';
import { rotateInternalKey } from './internal-key-rotation';
import { ensureInternalKeyFiles, openInternalTokenSigner, openInternalTokenVerifier } from './key-files';
import { RotationRefused } from './key-rotation-files';
import type { Principal } from './principal';

const principal: Principal = { kind: 'service', service: 'gateway' };

describe('rotating the internal-token key files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-rotate-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds, promotes and retires so that verifiers always hold the signing key', async () => {
    const files = await ensureInternalKeyFiles(dir);
    const keys = { privateKeyFile: files.privateKeyFile, publicKeyFile: files.publicKeyFile };
    const signer = await openInternalTokenSigner(keys.privateKeyFile);
    const verifier = await openInternalTokenVerifier(keys.publicKeyFile);
    const first = await internalKeyId(fs.readFileSync(keys.privateKeyFile, 'utf8'));

    const added = await rotateInternalKey('add', keys);
    expect(added.signerKid).toBe(first);
    expect(added.verifierKids[0]).toBe(first);
    expect(added.verifierKids).toHaveLength(2);
    expect(fs.statSync(path.join(dir, 'internal-token.next.key')).mode & 0o777).toBe(0o600);
    expect(await verifier.reload()).toEqual(added.verifierKids);
    const beforeSwitch = await signer.use(principal);

    const promoted = await rotateInternalKey('promote', keys);
    expect(promoted.signerKid).toBe(added.verifierKids[1]);
    expect(fs.existsSync(path.join(dir, 'internal-token.next.key'))).toBe(false);
    expect(await signer.reload()).toEqual([promoted.signerKid]);
    const afterSwitch = await signer.use(principal);
    expect(await verifier.use(beforeSwitch)).toEqual(principal);
    expect(await verifier.use(afterSwitch)).toEqual(principal);

    // Inside the window the retire step is refused: tokens signed with the previous key may still be valid.
    await expect(rotateInternalKey('retire', keys)).rejects.toThrow(/may be valid/);
    const retired = await rotateInternalKey('retire', keys, new Date(Date.now() + 66_000));
    expect(retired.verifierKids).toEqual([promoted.signerKid]);
    expect(fs.existsSync(path.join(dir, 'internal-token.previous.key'))).toBe(false);
    await verifier.reload();
    expect(await verifier.use(afterSwitch)).toEqual(principal);
    await expect(verifier.use(beforeSwitch)).rejects.toThrow();
  });

  it('refuses steps out of order and a promotion the verifiers do not know', async () => {
    const files = await ensureInternalKeyFiles(dir);
    const keys = { privateKeyFile: files.privateKeyFile, publicKeyFile: files.publicKeyFile };
    await expect(rotateInternalKey('promote', keys)).rejects.toBeInstanceOf(RotationRefused);
    await expect(rotateInternalKey('retire', keys)).rejects.toThrow(/no previous key/);
    const original = fs.readFileSync(keys.publicKeyFile, 'utf8');
    await rotateInternalKey('add', keys);
    await expect(rotateInternalKey('add', keys)).rejects.toThrow(/already staged/);
    // Someone put the old public file back: promoting would make the gateway sign with a key no subgraph holds.
    fs.writeFileSync(keys.publicKeyFile, original);
    await expect(rotateInternalKey('promote', keys)).rejects.toThrow(/does not hold the next key/);
    // A backup restored in the middle of a rotation: two public keys, no staged private key.
    const stray = await ensureInternalKeyFiles(path.join(dir, 'other'));
    fs.rmSync(path.join(dir, 'internal-token.next.key'));
    fs.writeFileSync(keys.publicKeyFile, original + fs.readFileSync(stray.publicKeyFile, 'utf8'));
    await expect(rotateInternalKey('add', keys)).rejects.toThrow(/holds a key besides the gateway's/);
  });

  it("writes the subgraphs' copy and the file beside the private key, so init-secrets' copy follows the rotation", async () => {
    const files = await ensureInternalKeyFiles(path.join(dir, 'internal-token'));
    const copy = path.join(dir, 'public', 'internal-token.pub');
    fs.mkdirSync(path.dirname(copy));
    fs.copyFileSync(files.publicKeyFile, copy);
    const keys = { privateKeyFile: files.privateKeyFile, publicKeyFile: copy };
    await rotateInternalKey('add', keys);
    expect(fs.readFileSync(files.publicKeyFile, 'utf8')).toBe(fs.readFileSync(copy, 'utf8'));
    await rotateInternalKey('promote', keys);
    const retired = await rotateInternalKey('retire', keys, new Date(Date.now() + 66_000));
    expect(retired.verifierKids).toHaveLength(1);
    expect(fs.readFileSync(files.publicKeyFile, 'utf8')).toBe(fs.readFileSync(copy, 'utf8'));
  });

  it('keeps the keys in use when a reload finds a broken file', async () => {
    const files = await ensureInternalKeyFiles(dir);
    const verifier = await openInternalTokenVerifier(files.publicKeyFile);
    const sign = await internalTokenSigner(fs.readFileSync(files.privateKeyFile, 'utf8'));
    fs.writeFileSync(files.publicKeyFile, 'garbage');
    await expect(verifier.reload()).rejects.toThrow(/INTERNAL_TOKEN_PUBLIC_KEY_FILE/);
    expect(await verifier.use(await sign(principal))).toEqual(principal);
    await expect(internalTokenVerifier('garbage')).rejects.toThrow(/no public key/);
  });
});
