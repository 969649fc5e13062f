// Rotating the internal-token key (gateway → subgraphs) in three steps, each
// followed by a SIGHUP to the processes that read the file it changed:
//   add     a next key pair: its private half beside the gateway's key
//           (internal-token.next.key), its public half appended to the
//           subgraphs' file, which then holds both          → SIGHUP subgraphs
//   promote the gateway's key file becomes the next key; the old one is
//           kept as internal-token.previous.key              → SIGHUP gateway
//   retire  once no token signed with the previous key can be valid (65 s
//           after the gateway switched), the subgraphs' file holds the
//           current key alone and the previous key is deleted → SIGHUP subgraphs
// Verifiers always learn a key before the signer uses it, and forget it only
// after the last token it signed has expired: no request is refused.
import fs from 'node:fs';
import path from 'node:path';
import { generateInternalKeyPair, internalKeyId, internalKeyRing, internalTokenWindowSeconds } from './internal-token';
import { pemBlocks, rotationStepProblem, type RotationStep } from './key-ring';
import {
  promoteKeyFile,
  RotationRefused,
  rotatingKeyFiles,
  rotationStateOf,
  writeFileAtomically,
} from './key-rotation-files';

export interface InternalKeyFiles {
  /** INTERNAL_TOKEN_KEY_FILE: the gateway's signing key. */
  privateKeyFile: string;
  /** INTERNAL_TOKEN_PUBLIC_KEY_FILE: the subgraphs' public key(s). */
  publicKeyFile: string;
}

/**
 * The public key files to write: the subgraphs' and, when that is a copy
 * elsewhere (init-secrets writes one at every run from the file beside the
 * private key), the one beside the private key too, so a later init-secrets
 * run copies the rotation's state rather than undoing it.
 */
function publicKeyFiles(keys: InternalKeyFiles): string[] {
  const beside = path.join(path.dirname(keys.privateKeyFile), 'internal-token.pub');
  return path.resolve(beside) !== path.resolve(keys.publicKeyFile) && fs.existsSync(beside)
    ? [keys.publicKeyFile, beside]
    : [keys.publicKeyFile];
}

export interface RotationOutcome {
  /** The key ids the verifiers' file holds after the step, and the signer's. */
  verifierKids: string[];
  signerKid: string;
  /** What the operator does next, in words. */
  next: string;
}

async function kidsIn(publicKeyFile: string): Promise<string[]> {
  return (await internalKeyRing(fs.readFileSync(publicKeyFile, 'utf8'))).map((entry) => entry.kid);
}

export async function rotateInternalKey(
  step: RotationStep,
  keys: InternalKeyFiles,
  now: Date = new Date(),
): Promise<RotationOutcome> {
  const files = rotatingKeyFiles(keys.privateKeyFile);
  const problem = rotationStepProblem(step, rotationStateOf(files, now), internalTokenWindowSeconds);
  if (problem) throw new RotationRefused(problem);
  const publicPem = fs.readFileSync(keys.publicKeyFile, 'utf8');
  const currentKid = await internalKeyId(fs.readFileSync(files.current, 'utf8'));
  const published = await kidsIn(keys.publicKeyFile);
  if (!published.includes(currentKid))
    throw new RotationRefused(`${keys.publicKeyFile} does not hold the public half of ${files.current}`);

  if (step === 'add') {
    if (published.length > 1)
      throw new RotationRefused(
        `${keys.publicKeyFile} holds a key besides the gateway's (an unfinished rotation?); finish it with the retire step, or leave only the current public key there`,
      );
    const pair = await generateInternalKeyPair();
    writeFileAtomically(files.next, pair.privateKeyPem, 0o600);
    for (const file of publicKeyFiles(keys))
      writeFileAtomically(file, [...pemBlocks(publicPem), pair.publicKeyPem].join(''), 0o644);
    return {
      verifierKids: await kidsIn(keys.publicKeyFile),
      signerKid: currentKid,
      next: 'Send SIGHUP to every subgraph (identity, rooms, consent), then run the promote step.',
    };
  }
  if (step === 'promote') {
    const nextKid = await internalKeyId(fs.readFileSync(files.next, 'utf8'));
    if (!published.includes(nextKid))
      throw new RotationRefused(`${keys.publicKeyFile} does not hold the next key; run the add step again`);
    promoteKeyFile(files);
    return {
      verifierKids: published,
      signerKid: nextKid,
      next: `Send SIGHUP to every gateway, wait ${internalTokenWindowSeconds} s, then run the retire step.`,
    };
  }
  const kept = [];
  for (const pem of pemBlocks(publicPem)) if ((await internalKeyId(pem)) === currentKid) kept.push(pem);
  for (const file of publicKeyFiles(keys)) writeFileAtomically(file, kept.join(''), 0o644);
  fs.rmSync(files.previous);
  return {
    verifierKids: await kidsIn(keys.publicKeyFile),
    signerKid: currentKid,
    next: 'Send SIGHUP to every subgraph (identity, rooms, consent). The rotation is complete.',
  };
}
