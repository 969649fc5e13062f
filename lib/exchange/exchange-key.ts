// This installation's identity towards partner systems (Art. 20-3): one
// Ed25519 key pair that signs the JWTs we present when we call a partner's
// FHIR endpoint. Its public half is published at GET /fhir/.well-known/jwks.json
// and in the graph (Query.exchangeIdentity), so a partner's administrator can
// register us.
//
// Design decisions:
// - The private key is a file beside the CA (CA_DIR/exchange-ed25519.key,
//   0600), never in the database, for the same reason as the CA key: a dump
//   must not be enough to impersonate the network. It is created once and
//   never regenerated (partners would have to re-register us).
// - The JWT follows the contract: iss = sub = the id the partner registered
//   us under, aud = the partner's FHIR base URL, exp at most 5 minutes ahead
//   (we use 2), a random jti, kid = the key's JWK thumbprint.
// - SMART Backend Services (issue 17) needs RS384 or ES384 client
//   assertions, which Ed25519 cannot sign: a second key, P-384
//   (CA_DIR/exchange-es384.key, 0600, created once, never regenerated, like
//   the first), signs only those. Both public keys are in our JWK set, each
//   with its alg, so a partner that registered our JWKS URL verifies either.
// - Both keys rotate (lib/exchange/exchange-key-rotation.ts): a next key
//   (exchange-ed25519.next.key) is published in the JWKS before it signs, and
//   the previous one (exchange-ed25519.previous.key) stays published for the
//   window after; neither signs. Every JWT names its key by kid, so a
//   partner picks the right one. Processes re-read the files on SIGHUP.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';
import { StartupError } from '../startup-error';

export const exchangeKeyFileName = 'exchange-ed25519.key';
export const exchangeJwtAlgorithm = 'EdDSA';
/** The contract allows at most 5 minutes; 2 leaves room for clock skew. */
export const exchangeJwtLifetimeSeconds = 120;

export interface ExchangeKey {
  /** The public key as a JWK with kid, alg and use. */
  publicJwk: JWK;
  keyId: string;
  privateKey: KeyObject;
}

export const assertionKeyFileName = 'exchange-es384.key';
export const assertionJwtAlgorithm = 'ES384';

async function fromPrivateKey(privateKey: KeyObject, alg: string = exchangeJwtAlgorithm): Promise<ExchangeKey> {
  const jwk = await exportJWK(createPublicKey(privateKey));
  const keyId = await calculateJwkThumbprint(jwk);
  return { privateKey, keyId, publicJwk: { ...jwk, kid: keyId, alg, use: 'sig' } };
}

/** Our SMART client-assertion key (ES384), in memory only (tests, or a process that never calls partners). */
export function generateAssertionKey(): Promise<ExchangeKey> {
  return fromPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, assertionJwtAlgorithm);
}

/** A key that lives in memory only (tests, or a process that never calls partners). */
export function generateExchangeKey(): Promise<ExchangeKey> {
  return fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
}

/** The files beside the current one during a rotation (./exchange-key-rotation.ts). */
export function stagedKeyFileNames(name: string): { next: string; previous: string } {
  const base = name.replace(/\.key$/, '');
  return { next: `${base}.next.key`, previous: `${base}.previous.key` };
}

/**
 * The keys in dir that are published but do not sign: for each algorithm the
 * next key (staged) or the previous one (in its window), when present.
 */
export async function openPublishedOnlyKeys(dir: string): Promise<ExchangeKey[]> {
  const keys: ExchangeKey[] = [];
  for (const [name, type] of [
    [exchangeKeyFileName, 'ed25519'],
    [assertionKeyFileName, 'ec'],
  ] as const) {
    const staged = stagedKeyFileNames(name);
    for (const file of [staged.next, staged.previous])
      if (fs.existsSync(path.join(dir, file))) keys.push(await readKeyFile(path.join(dir, file), type));
  }
  return keys;
}

/** Our exchange identity's keys from dir: the two signing keys and those only published. */
export async function openExchangeKeys(
  dir: string,
): Promise<{ key: ExchangeKey; assertionKey: ExchangeKey; publishedOnly: ExchangeKey[] }> {
  return {
    key: await openExchangeKey(dir),
    assertionKey: await openAssertionKey(dir),
    publishedOnly: await openPublishedOnlyKeys(dir),
  };
}

/**
 * Re-reads the keys in dir into a running identity (SIGHUP): whoever holds
 * the identity signs with the new current keys from the next call on, and
 * the JWKS serves the new set. Resolves with the key ids now in use.
 */
export async function reloadExchangeKeys(identity: ExchangeIdentity, dir: string): Promise<Record<string, unknown>> {
  const keys = await openExchangeKeys(dir);
  identity.key = keys.key;
  identity.assertionKey = keys.assertionKey;
  identity.publishedOnly = keys.publishedOnly;
  return {
    exchangeKeys: {
      signing: [keys.key.keyId, keys.assertionKey.keyId],
      publishedOnly: keys.publishedOnly.map((k) => k.keyId),
    },
  };
}

/** Opens the key in dir (usually CA_DIR), creating it on the first start. */
export function openExchangeKey(dir: string): Promise<ExchangeKey> {
  return openKeyFile(dir, exchangeKeyFileName, 'ed25519');
}

/** Opens our SMART client-assertion key (P-384, ES384) in dir, creating it on the first start. */
export function openAssertionKey(dir: string): Promise<ExchangeKey> {
  return openKeyFile(dir, assertionKeyFileName, 'ec');
}

async function openKeyFile(dir: string, name: string, type: 'ed25519' | 'ec'): Promise<ExchangeKey> {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } =
      type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-384' });
    try {
      // wx: never overwrite a key another process (identity, the worker) created meanwhile; read theirs instead.
      fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readKeyFile(file, type);
}

async function readKeyFile(file: string, type: 'ed25519' | 'ec'): Promise<ExchangeKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StartupError([
      `the exchange key ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'not a PEM private key'}); restore it from backup, do not delete it (partners have registered its public key)`,
    ]);
  }
  if (type === 'ed25519') {
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new StartupError([`the exchange key ${file} is not an Ed25519 key`]);
    return fromPrivateKey(privateKey);
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'secp384r1')
    throw new StartupError([`the exchange key ${file} is not a P-384 key`]);
  return fromPrivateKey(privateKey, assertionJwtAlgorithm);
}

export interface PartnerJwtClaims {
  /** The id the partner registered us under (our Partner row's ourClientId): iss and sub. */
  clientId: string;
  /** The partner's FHIR base URL. */
  audience: string;
  now?: Date;
  lifetimeSeconds?: number;
}

/** The bearer token for one call to a partner's FHIR endpoint (a fresh jti each time). */
export function signPartnerJwt(key: ExchangeKey, claims: PartnerJwtClaims): Promise<string> {
  const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  const lifetime = Math.min(claims.lifetimeSeconds ?? exchangeJwtLifetimeSeconds, 300);
  return new SignJWT({})
    .setProtectedHeader({ alg: exchangeJwtAlgorithm, kid: key.keyId, typ: 'JWT' })
    .setIssuer(claims.clientId)
    .setSubject(claims.clientId)
    .setAudience(claims.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/**
 * What a partner's administrator needs to register us, as published: our FHIR
 * base URL (known once the gateway listens) and our public key.
 */
export interface ExchangeIdentity {
  key: ExchangeKey;
  /** Signs our SMART client assertions (ES384); without it we cannot call SMART Backend Services partners. */
  assertionKey?: ExchangeKey;
  /** Our FHIR base URL, e.g. https://renkei.example/fhir; empty until the gateway listens. */
  fhirBaseUrl: string;
  /** During a rotation: the next keys (staged) or the previous ones (in their window); published, never signing. */
  publishedOnly?: ExchangeKey[];
}

export function jwksOf(identity: Pick<ExchangeIdentity, 'key' | 'assertionKey' | 'publishedOnly'>): { keys: JWK[] } {
  return {
    keys: [
      identity.key.publicJwk,
      ...(identity.assertionKey ? [identity.assertionKey.publicJwk] : []),
      ...(identity.publishedOnly ?? []).map((key) => key.publicJwk),
    ],
  };
}

/** The Ed25519 keys whose derived secrets we accept (outbound subscriptions): the current one first, then any published only. */
export function ed25519KeysOf(identity: Pick<ExchangeIdentity, 'key' | 'publishedOnly'>): KeyObject[] {
  return [
    identity.key.privateKey,
    ...(identity.publishedOnly ?? [])
      .filter((key) => key.privateKey.asymmetricKeyType === 'ed25519')
      .map((key) => key.privateKey),
  ];
}

export interface ClientAssertionClaims {
  /** The client id the partner registered us under: iss and sub. */
  clientId: string;
  /** The partner's token endpoint. */
  tokenUrl: string;
  now?: Date;
}

/** A SMART Backend Services client assertion (ES384, kid, a fresh jti, 2 minutes: the spec allows at most 5). */
export function signClientAssertion(key: ExchangeKey, claims: ClientAssertionClaims): Promise<string> {
  const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: assertionJwtAlgorithm, kid: key.keyId, typ: 'JWT' })
    .setIssuer(claims.clientId)
    .setSubject(claims.clientId)
    .setAudience(claims.tokenUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + exchangeJwtLifetimeSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
