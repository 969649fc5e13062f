// How a partner authenticates to us and we to it, as the registry accepts it
// (issue 17): the pure rules, so each refusal is unit-tested and the service
// only reads, merges and writes.
//
// - Keys: an inline JWK set and/or a JWKS URL (https) where the partner
//   publishes it. Contract v1's direct JWTs are signed with Ed25519 or P-256
//   (EdDSA, ES256); SMART Backend Services client assertions with RSA or P-384
//   (RS384, ES384), the two algorithms the SMART App Launch 2.x spec makes
//   every server support. Each key we store gets the one algorithm it may be
//   used with, so a key registered for one method is never accepted for a
//   signature of another kind.
// - inboundAuth CONTRACT_JWT (the default, what every partner registered
//   before issue 17 has) or SMART_BACKEND; a SMART partner's bearer tokens are
//   access tokens from our token endpoint, never direct JWTs.
// - outboundAuth SMART_BACKEND needs the client id the partner registered us
//   under (the iss and sub of our client assertions).
import type { JWK } from 'jose';
import { z } from 'zod';
import type { Message } from '../../../lib/messages/message';
import { inputMessage } from '../../../lib/messages/input-issues';

export type InboundAuth = 'CONTRACT_JWT' | 'SMART_BACKEND';
export type OutboundAuth = 'JWT' | 'MTLS' | 'SMART_BACKEND';

export const contractJwtAlgorithms = ['EdDSA', 'ES256'] as const;
export const smartAssertionAlgorithms = ['RS384', 'ES384'] as const;

/** RSA moduli below 2048 bits are refused (NIST SP 800-131A). */
const minRsaModulusBytes = 256;

/** The bytes a base64url string decodes to, without decoding it. */
const base64urlBytes = (value: string) => Math.floor((value.replace(/=+$/, '').length * 3) / 4);

/** One public key as we store it (with its only algorithm), or the reason it is refused. */
export function cleanPublicJwk(key: unknown): { ok: true; jwk: JWK } | { ok: false; message: string } {
  if (typeof key !== 'object' || key === null) return { ok: false, message: 'keys must be JSON objects' };
  const k = key as Record<string, unknown>;
  if ('d' in k || 'p' in k || 'q' in k || 'k' in k)
    return { ok: false, message: 'must hold public keys only (never a private or symmetric key)' };
  const kid = typeof k.kid === 'string' && k.kid.length > 0 && k.kid.length <= 200 ? k.kid : undefined;
  const named = (jwk: JWK): { ok: true; jwk: JWK } => ({ ok: true, jwk: { ...jwk, ...(kid ? { kid } : {}) } });
  const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  if (k.kty === 'OKP' && k.crv === 'Ed25519' && str(k.x))
    return named({ kty: 'OKP', crv: 'Ed25519', x: k.x, alg: 'EdDSA', use: 'sig' });
  if (k.kty === 'EC' && (k.crv === 'P-256' || k.crv === 'P-384') && str(k.x) && str(k.y))
    return named({ kty: 'EC', crv: k.crv, x: k.x, y: k.y, alg: k.crv === 'P-256' ? 'ES256' : 'ES384', use: 'sig' });
  if (k.kty === 'RSA' && str(k.n) && str(k.e)) {
    if (base64urlBytes(k.n) < minRsaModulusBytes) return { ok: false, message: 'RSA keys must be at least 2048 bits' };
    return named({ kty: 'RSA', n: k.n, e: k.e, alg: 'RS384', use: 'sig' });
  }
  return {
    ok: false,
    message: 'keys must be Ed25519 (OKP), P-256 or P-384 (EC) or RSA public keys',
  };
}

/** A JWK set as JSON text: 1-5 public keys (see cleanPublicJwk). */
export const jwksText = z
  .string()
  .max(20_000)
  .transform((value, ctx) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: inputMessage({
          en: 'It must be a JSON JWK set ({"keys": [...]}).',
          ja: 'JSON の JWK セット（{"keys": [...]}）にしてください。',
        }),
      });
      return z.NEVER;
    }
    const keys = (parsed as { keys?: unknown })?.keys;
    if (!Array.isArray(keys) || keys.length < 1 || keys.length > 5) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: inputMessage({
          en: 'It must be a JWK set with 1 to 5 keys.',
          ja: '鍵が1～5個の JWK セットにしてください。',
        }),
      });
      return z.NEVER;
    }
    const cleaned: JWK[] = [];
    for (const key of keys) {
      const result = cleanPublicJwk(key);
      if (!result.ok) {
        // The key's technical problem stays in English, inside a Japanese sentence.
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: inputMessage({
            en: `A key cannot be used: ${result.message}.`,
            ja: `使えない鍵があります（${result.message}）。`,
          }),
        });
        return z.NEVER;
      }
      cleaned.push(result.jwk);
    }
    return { keys: cleaned };
  });

/**
 * Where a partner publishes its JWK set: https only (fetched with the
 * partner's CAs), no credentials or fragment. An empty text (on update)
 * removes it.
 */
export const jwksUrlText = z
  .string()
  .trim()
  .max(500)
  .refine(
    (v) => {
      if (v === '') return true;
      try {
        const url = new URL(v);
        return url.protocol === 'https:' && !url.hash && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    inputMessage({
      en: 'Give an https:// URL without fragment or credentials.',
      ja: 'フラグメントや認証情報を含まない https:// の URL を指定してください。',
    }),
  );

/** A partner's authentication settings once an input is merged with what is stored. */
export interface PartnerAuthSettings {
  inboundAuth: InboundAuth;
  jwks: { keys: JWK[] };
  jwksUrl: string | null;
  certificateFingerprints: string[];
  outboundAuth: OutboundAuth;
  ourClientId: string | null;
}

export interface AuthSettingsProblem {
  field: 'jwks' | 'jwksUrl' | 'ourClientId';
  message: Message;
}

const usableFor = (keys: JWK[], algorithms: readonly string[]) =>
  keys.some((key) => typeof key.alg === 'string' && algorithms.includes(key.alg));

/** Null when the partner can authenticate to us as registered and we to it; otherwise the field to fix. */
export function authSettingsProblem(s: PartnerAuthSettings): AuthSettingsProblem | null {
  const hasKeys = s.jwks.keys.length > 0 || s.jwksUrl !== null;
  if (!hasKeys && s.certificateFingerprints.length === 0)
    return {
      field: 'jwks',
      message: {
        en: 'Give the partner a JWK set, a JWKS URL or a certificate fingerprint, so that it can authenticate.',
        ja: '他団体のシステムが認証できるよう、JWK セット、JWKS の URL または証明書のフィンガープリントを指定してください。',
      },
    };
  if (s.inboundAuth === 'SMART_BACKEND' && s.jwksUrl === null && !usableFor(s.jwks.keys, smartAssertionAlgorithms))
    return {
      field: 'jwks',
      message: {
        en: 'SMART Backend Services needs RSA (RS384) or P-384 (ES384) public keys. Give them in jwks or at jwksUrl.',
        ja: 'SMART Backend Services には RSA（RS384）または P-384（ES384）の公開鍵が必要です。jwks または jwksUrl で指定してください。',
      },
    };
  if (
    s.inboundAuth === 'CONTRACT_JWT' &&
    s.jwks.keys.length > 0 &&
    s.jwksUrl === null &&
    s.certificateFingerprints.length === 0 &&
    !usableFor(s.jwks.keys, contractJwtAlgorithms)
  )
    return {
      field: 'jwks',
      message: {
        en: 'Contract v1 JWTs are signed with Ed25519 or P-256 keys. Give such a key, or use inboundAuth SMART_BACKEND.',
        ja: '契約 v1 の JWT は Ed25519 または P-256 の鍵で署名されます。その鍵を指定するか、inboundAuth を SMART_BACKEND にしてください。',
      },
    };
  if (s.outboundAuth === 'SMART_BACKEND' && !s.ourClientId)
    return {
      field: 'ourClientId',
      message: {
        en: 'SMART Backend Services needs the client id the partner registered us under. Give it as ourClientId.',
        ja: 'SMART Backend Services には、他団体のシステムが当方を登録したクライアント ID が必要です。ourClientId に指定してください。',
      },
    };
  return null;
}
