// Where the private keys of our client certificates towards partners (mutual
// TLS, one per partner) are kept: in the database, sealed with AES-256-GCM
// under a key-encryption key that lives beside the CA (CA_DIR/partner-keys.kek,
// 0600), never in the database.
//
// Why sealed rows rather than one key file per partner (as the exchange key
// and the CA are files): a client key is created by the identity subgraph
// when a system admin registers a partner, and used by the worker when it
// calls that partner. A row is written in the registration's transaction
// (no orphan file when it rolls back, no row without its key when a disk
// write fails after the commit) and read by every process that shares the
// database; only the one small KEK file has to be shared through CA_DIR, as
// the exchange key already is. A database dump alone still opens nothing:
// without the KEK the rows are noise, the same property the CA files give.
// The authenticated data binds each sealed key to its partner and credential,
// so a row copied onto another partner does not open.
//
// The KEK is created on first use and never regenerated: losing it means
// issuing every partner client certificate again. Back it up with the CA.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from '../startup-error';

export const partnerKeyKekFileName = 'partner-keys.kek';
const version = 'v1';

export interface PartnerKeyVault {
  /** Which KEK seals (the first 16 hex digits of its SHA-256): a row sealed under another one is reported as such. */
  readonly keyId: string;
  seal(plaintext: string, context: string): string;
  /** Throws when the sealed text was made under another KEK, for another context, or was altered. */
  open(sealed: string, context: string): string;
}

function vaultOf(kek: Buffer): PartnerKeyVault {
  const keyId = createHash('sha256').update(kek).digest('hex').slice(0, 16);
  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', kek, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        version,
        keyId,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open(sealed, context) {
      const [v, kid, iv, tag, body] = sealed.split('.');
      if (v !== version || !iv || !tag || body === undefined) throw new Error('not a sealed partner key');
      if (kid !== keyId)
        throw new Error(
          `sealed under another key-encryption key (${kid}); restore CA_DIR/${partnerKeyKekFileName} from backup`,
        );
      const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** A vault whose KEK lives in memory only (tests, and a process started without CA_DIR). */
export function memoryPartnerKeyVault(): PartnerKeyVault {
  return vaultOf(randomBytes(32));
}

/** Opens the KEK in dir (CA_DIR), creating it on the first start. */
export function openPartnerKeyVault(dir: string): PartnerKeyVault {
  const file = path.join(dir, partnerKeyKekFileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      // wx: identity and the worker may start together; the second reads the first one's key.
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new StartupError([`CA_DIR: cannot create ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
  }
  let kek: Buffer;
  try {
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
      throw new StartupError([`CA_DIR: ${file} is readable by other users; run chmod 600 on it`]);
    }
    kek = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw new StartupError([
      `CA_DIR: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); restore it from backup`,
    ]);
  }
  if (kek.length !== 32)
    throw new StartupError([`CA_DIR: ${file} is not a 256-bit key (base64); restore it from backup`]);
  return vaultOf(kek);
}
