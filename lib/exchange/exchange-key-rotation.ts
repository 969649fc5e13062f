// Rotating our exchange keys (the Ed25519 key of contract JWTs and the
// P-384 key of SMART client assertions, in lock step) in three steps, each
// followed by a SIGHUP to the worker and identity (or their restart):
//   add     next keys beside the current ones; the JWKS serves both. Wait
//           until every partner has our new keys: those that registered our
//           JWKS URL fetch it (give their caches a day); those that copied a
//           key are sent the new one (Query.exchangeIdentity, the JWKS).
//   promote the next keys sign; the old ones are kept as previous and stay
//           in the JWKS, so a JWT signed a moment ago still verifies.
//   retire  after the window (a JWT lives 2 minutes, 3 with clock skew),
//           the previous keys leave the JWKS and are deleted.
// With EXCHANGE_KEYS_DIR (the worker's copy of CA_DIR), every step is
// mirrored there, deletions included.
// Push notifications for a subscription made with the previous key are
// accepted until it is retired; after that such a subscription falls back
// to polling (adapters/jobs/outbound-subscription.ts), which never stops.
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { rotationStepProblem, type RotationStep } from '../access/key-ring';
import {
  promoteKeyFile,
  RotationRefused,
  rotatingKeyFiles,
  rotationStateOf,
  writeFileAtomically,
} from '../access/key-rotation-files';
import {
  assertionKeyFileName,
  exchangeJwtLifetimeSeconds,
  exchangeKeyFileName,
  openExchangeKeys,
} from './exchange-key';

/** A JWT signed just before the switch stays valid this long, with a minute for partners' clocks. */
export const exchangeKeyWindowSeconds = exchangeJwtLifetimeSeconds + 60;

const slots = [
  { name: exchangeKeyFileName, generate: () => generateKeyPairSync('ed25519').privateKey },
  { name: assertionKeyFileName, generate: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey },
] as const;

export interface ExchangeRotationOutcome {
  /** The key ids that sign after the step, and those only published (JWKS). */
  signing: string[];
  publishedOnly: string[];
  next: string;
}

const nextSteps: Record<RotationStep, string> = {
  add:
    'Send SIGHUP to the worker(s) and identity. Then make sure every partner has the new keys (JWKS URL: allow for their cache; ' +
    'copied keys: send them the new ones) before the promote step.',
  promote: 'Send SIGHUP to the worker(s) and identity, wait 3 minutes, then run the retire step.',
  retire: 'Send SIGHUP to the worker(s) and identity. The rotation is complete.',
};

/**
 * Makes the rotation files in `copyDir` (EXCHANGE_KEYS_DIR: the worker's copy
 * of CA_DIR without the CA key) what they are in caDir, deleting those caDir
 * no longer has, which a plain copy (init-secrets) would leave behind.
 */
export function mirrorExchangeKeyFiles(caDir: string, copyDir: string): void {
  fs.mkdirSync(copyDir, { recursive: true, mode: 0o700 });
  for (const slot of slots) {
    const from = rotatingKeyFiles(path.join(caDir, slot.name));
    const to = rotatingKeyFiles(path.join(copyDir, slot.name));
    for (const which of ['current', 'next', 'previous'] as const) {
      if (fs.existsSync(from[which])) writeFileAtomically(to[which], fs.readFileSync(from[which], 'utf8'), 0o600);
      else fs.rmSync(to[which], { force: true });
    }
  }
}

export async function rotateExchangeKeys(
  step: RotationStep,
  caDir: string,
  now: Date = new Date(),
  copyDir?: string,
): Promise<ExchangeRotationOutcome> {
  // Both keys must exist before a rotation (the first start creates them).
  await openExchangeKeys(caDir);
  const files = slots.map((slot) => ({ ...slot, files: rotatingKeyFiles(path.join(caDir, slot.name)) }));
  for (const slot of files) {
    const problem = rotationStepProblem(step, rotationStateOf(slot.files, now), exchangeKeyWindowSeconds);
    if (problem) throw new RotationRefused(`${slot.name}: ${problem}`);
  }
  for (const slot of files) {
    if (step === 'add')
      writeFileAtomically(slot.files.next, slot.generate().export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
    else if (step === 'promote') promoteKeyFile(slot.files);
    else fs.rmSync(slot.files.previous);
  }
  if (copyDir) mirrorExchangeKeyFiles(caDir, copyDir);
  const keys = await openExchangeKeys(caDir);
  return {
    signing: [keys.key.keyId, keys.assertionKey.keyId],
    publishedOnly: keys.publishedOnly.map((key) => key.keyId),
    next: nextSteps[step],
  };
}
