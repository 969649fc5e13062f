// The internal token a request carries to the subgraphs names its principal and lives 60 s.
// Signing one per request (EdDSA) was 4 % of the gateway's CPU under the hop load (README,
// Performance). A principal the gateway's principal cache (gateway/principal-cache.ts) hands out again within its
// second is the very same object, so its token goes with it: reused for that object only, and
// never more than `reuseMs` after it was signed. Nothing about revocation changes: identity's
// epoch moving drops the cached principal (a new object, a new token), and the subgraphs check
// every token's signature and expiry as before. Each signer (internal-token.ts) has its own
// memory, so a key reload, which makes a new signer, reuses nothing signed by the previous key.
import type { Principal } from './principal';

type Sign = (principal: Principal) => Promise<string>;

/** The bound on reuse: a token is signed again once it is this old. */
export const maxTokenReuseMs = 1000;

export function reusingSigner(sign: Sign, reuseMs = maxTokenReuseMs, now: () => number = Date.now): Sign {
  const bound = Math.min(reuseMs, maxTokenReuseMs);
  const signed = new WeakMap<Principal, { token: Promise<string>; until: number }>();
  return (principal) => {
    const entry = signed.get(principal);
    if (entry && now() < entry.until) return entry.token;
    const token = sign(principal);
    signed.set(principal, { token, until: now() + bound });
    // A failed signature is not kept: the next request signs again.
    token.catch(() => signed.delete(principal));
    return token;
  };
}
