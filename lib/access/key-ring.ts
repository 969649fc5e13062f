// The rules of a key ring: the public keys a verifier accepts while a
// signing key is rotated. Pure functions, shared by the internal tokens
// (gateway → subgraphs) and the rotation script.
//
// Design decisions:
// - A ring holds one key, or two during a rotation window: the current
//   signing key and either the next one (published before the signer
//   switches) or the previous one (kept until every token it signed has
//   expired). A third key is refused: an operator who starts a rotation
//   before retiring the last one would otherwise widen the window forever.
// - A key is named by its RFC 7638 thumbprint (`kid`), which every token
//   carries, so a verifier picks the one key to try and never guesses.
// - A token without `kid` (a gateway of an earlier version) is accepted only
//   by a ring of one key: during a rolling upgrade nothing breaks, and once a
//   rotation starts every signer must already say which key it used.
export const maxRingKeys = 2;

export interface RingKey<K> {
  kid: string;
  key: K;
}

/** Why these key ids cannot form a ring, or null when they can. */
export function keyRingProblem(kids: readonly string[]): string | null {
  if (kids.length === 0) return 'holds no public key';
  if (kids.length > maxRingKeys)
    return `holds ${kids.length} public keys; at most ${maxRingKeys} (the current and the next or previous) — retire the oldest first`;
  if (new Set(kids).size !== kids.length) return 'holds the same public key twice';
  return null;
}

/** The key a token names by its kid, or null when the ring has none that may verify it. */
export function keyForToken<K>(ring: ReadonlyArray<RingKey<K>>, kid: string | undefined): RingKey<K> | null {
  if (kid === undefined) return ring.length === 1 ? (ring[0] as RingKey<K>) : null;
  return ring.find((entry) => entry.kid === kid) ?? null;
}

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks in a file's text, in order (a key file may hold several public keys, one after the other). */
export function pemBlocks(text: string): string[] {
  return [...text.matchAll(pemBlock)].map((match) => `${match[0]}\n`);
}

/** A rotation step and what the files must look like before it (the rotation script's rules). */
export type RotationStep = 'add' | 'promote' | 'retire';

export interface RotationState {
  /** A next key is staged (published, not yet signing). */
  hasNext: boolean;
  /** A previous key is kept (published, no longer signing). */
  hasPrevious: boolean;
  /** Seconds since the signer switched to the current key (the previous key's retirement time), if known. */
  secondsSincePromotion?: number;
}

/**
 * Why `step` cannot run in this state, or null. `add` stages a next key,
 * `promote` makes it the signing key, `retire` drops the previous one once
 * no token it signed can still be valid (`minimumWindowSeconds`).
 */
export function rotationStepProblem(
  step: RotationStep,
  state: RotationState,
  minimumWindowSeconds: number,
): string | null {
  switch (step) {
    case 'add':
      if (state.hasNext) return 'a next key is already staged; promote it first';
      if (state.hasPrevious) return 'the previous key is still kept; retire it first';
      return null;
    case 'promote':
      if (!state.hasNext) return 'no next key is staged; add one first';
      if (state.hasPrevious) return 'the previous key is still kept; retire it first';
      return null;
    case 'retire':
      if (!state.hasPrevious) return 'there is no previous key to retire';
      if (state.secondsSincePromotion !== undefined && state.secondsSincePromotion < minimumWindowSeconds)
        return `the signer switched ${Math.floor(state.secondsSincePromotion)} s ago; tokens signed with the previous key may be valid for ${Math.ceil(minimumWindowSeconds - state.secondsSincePromotion)} s more — retire after that`;
      return null;
  }
}
