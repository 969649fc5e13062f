// The gateway asserts who is calling to the subgraphs in a short-lived JWT
// (EdDSA) in one header. Subgraphs verify it with the gateway's public key
// and take identity from nothing else; a subgraph cannot mint tokens, and a
// token lives 60 seconds, long enough for one federated query plan.
//
// Keys rotate (README, Operations: "Key rotation and certificate renewal"):
// every token names its key by `kid` (the RFC 7638 thumbprint of the public
// key) and a verifier holds a ring of one or two public keys (./key-ring.ts),
// so the signer can switch keys while the subgraphs accept both.
import { createPublicKey } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  exportPKCS8,
  exportSPKI,
  importPKCS8,
  importSPKI,
  SignJWT,
  jwtVerify,
  type KeyLike,
} from 'jose';
import { z } from 'zod';
import { roles, type Principal } from './principal';
import { keyForToken, keyRingProblem, pemBlocks, type RingKey } from './key-ring';
import { reusingSigner } from './token-reuse';

export const internalTokenHeader = 'x-renkei-internal-token';
const algorithm = 'EdDSA';
const issuer = 'renkei-gateway';
const audience = 'renkei-subgraphs';
const lifetimeSeconds = 60;
/** How long after the signer switched a token signed with the previous key may still be accepted. */
export const internalTokenWindowSeconds = lifetimeSeconds + 5;

const principalClaim = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    userId: z.string().uuid(),
    role: z.enum(roles),
    facilityId: z.string().uuid(),
    orgUnitId: z.string().uuid().nullable(),
    sessionId: z.string().uuid(),
    mustChangePassword: z.boolean(),
    certificate: z.string().nullable(),
    address: z.string().nullable(),
  }),
  z.object({ kind: z.literal('anonymous'), certificate: z.string().nullable(), address: z.string().nullable() }),
  z.object({ kind: z.literal('service'), service: z.literal('gateway') }),
]);

export interface InternalKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export async function generateInternalKeyPair(): Promise<InternalKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { crv: 'Ed25519', extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}

export type SignInternalToken = (principal: Principal) => Promise<string>;
export type VerifyInternalToken = (token: string) => Promise<Principal>;

/** The key id of a key (either half, PEM): the RFC 7638 thumbprint of its public JWK. */
export async function internalKeyId(keyPem: string): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(createPublicKey(keyPem)));
}

export class InvalidInternalKeys extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'InvalidInternalKeys';
  }
}

export async function internalTokenSigner(privateKeyPem: string): Promise<SignInternalToken> {
  const key = await importPKCS8(privateKeyPem, algorithm);
  const kid = await internalKeyId(privateKeyPem);
  // A principal object handed out again within a second gets the token it already has (token-reuse.ts).
  return reusingSigner((principal) =>
    new SignJWT({ prn: principal })
      .setProtectedHeader({ alg: algorithm, kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${lifetimeSeconds}s`)
      .sign(key),
  );
}

export class InvalidInternalToken extends Error {
  constructor() {
    super('missing or invalid internal token');
    this.name = 'InvalidInternalToken';
  }
}

/**
 * The public keys in a file's text (one PEM, or two during a rotation) as a
 * ring; InvalidInternalKeys says what is wrong with them.
 */
export async function internalKeyRing(publicKeysPem: string): Promise<Array<RingKey<KeyLike>>> {
  const ring: Array<RingKey<KeyLike>> = [];
  for (const pem of pemBlocks(publicKeysPem)) {
    try {
      ring.push({ kid: await internalKeyId(pem), key: await importSPKI(pem, algorithm) });
    } catch {
      throw new InvalidInternalKeys('holds a block that is not an Ed25519 public key');
    }
  }
  const problem = keyRingProblem(ring.map((entry) => entry.kid));
  if (problem) throw new InvalidInternalKeys(problem);
  return ring;
}

/** Verifies tokens signed with any key in publicKeysPem (one PEM, or two during a rotation window). */
export async function internalTokenVerifier(publicKeysPem: string): Promise<VerifyInternalToken> {
  const ring = await internalKeyRing(publicKeysPem);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const entry = keyForToken(ring, header.kid);
          if (!entry) throw new InvalidInternalToken();
          return entry.key;
        },
        {
          issuer,
          audience,
          algorithms: [algorithm],
          maxTokenAge: `${internalTokenWindowSeconds}s`,
        },
      );
      return principalClaim.parse(payload.prn);
    } catch {
      throw new InvalidInternalToken();
    }
  };
}
