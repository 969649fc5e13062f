// The gateway asserts who is calling to the subgraphs in a short-lived JWT
// (EdDSA) in one header. Subgraphs verify it with the gateway's public key
// and take identity from nothing else; a subgraph cannot mint tokens, and a
// token lives 60 seconds, long enough for one federated query plan.
import { generateKeyPair, exportPKCS8, exportSPKI, importPKCS8, importSPKI, SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import { roles, type Principal } from './principal';

export const internalTokenHeader = 'x-renkei-internal-token';
const algorithm = 'EdDSA';
const issuer = 'renkei-gateway';
const audience = 'renkei-subgraphs';
const lifetimeSeconds = 60;

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

export async function internalTokenSigner(privateKeyPem: string): Promise<SignInternalToken> {
  const key = await importPKCS8(privateKeyPem, algorithm);
  return (principal) =>
    new SignJWT({ prn: principal })
      .setProtectedHeader({ alg: algorithm })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${lifetimeSeconds}s`)
      .sign(key);
}

export class InvalidInternalToken extends Error {
  constructor() {
    super('missing or invalid internal token');
    this.name = 'InvalidInternalToken';
  }
}

export async function internalTokenVerifier(publicKeyPem: string): Promise<VerifyInternalToken> {
  const key = await importSPKI(publicKeyPem, algorithm);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer,
        audience,
        algorithms: [algorithm],
        maxTokenAge: `${lifetimeSeconds + 5}s`,
      });
      return principalClaim.parse(payload.prn);
    } catch {
      throw new InvalidInternalToken();
    }
  };
}
