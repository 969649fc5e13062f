// Persisted operations: the operations our own front ends send, listed by
// SHA-256 in a manifest (Apollo's persisted query manifest format, which
// Apollo's client tooling generates). Modes, as Apollo Router's safelist:
// - off: any operation (the manifest is not read);
// - log: any operation, but one not in the manifest is logged (hash and
//   operation name only: never its text or variables), to learn what a
//   manifest is missing before enforcing it;
// - enforce: only operations in the manifest run.
// A client sends the full text or only its id in
// extensions.persistedQuery.sha256Hash; the id is replaced by the text here,
// and the extension removed, so Apollo's own automatic persisted queries
// (which would let any client register any operation) stay off.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { PersistedOperationsMode } from '../lib/config';
import { StartupError } from '../lib/startup-error';

export interface PersistedOperations {
  mode: PersistedOperationsMode;
  /** Operation text by its id (SHA-256 of the text, hex). */
  byId: ReadonlyMap<string, { name: string; body: string }>;
}

export const persistedOperationsOff: PersistedOperations = { mode: 'off', byId: new Map() };

const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash in lowercase hex'),
      name: z.string(),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

export function operationId(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Builds the store from a manifest's JSON; every problem is listed (StartupError). */
export function persistedOperationsFrom(
  mode: PersistedOperationsMode,
  manifestJson: unknown,
  source = 'PERSISTED_OPERATIONS_FILE',
): PersistedOperations {
  if (mode === 'off') return persistedOperationsOff;
  const parsed = manifestSchema.safeParse(manifestJson);
  if (!parsed.success)
    throw new StartupError(
      parsed.error.issues.map((i) => `${source}: ${i.path.join('.') || '(manifest)'}: ${i.message}`),
    );
  const problems: string[] = [];
  const byId = new Map<string, { name: string; body: string }>();
  parsed.data.operations.forEach((op, index) => {
    if (operationId(op.body) !== op.id)
      problems.push(`${source}: operations.${index} (${op.name}): id is not the SHA-256 of its body`);
    byId.set(op.id, { name: op.name, body: op.body });
  });
  if (problems.length > 0) throw new StartupError(problems);
  return { mode, byId };
}

export function loadPersistedOperations(mode: PersistedOperationsMode, file: string | undefined): PersistedOperations {
  if (mode === 'off') return persistedOperationsOff;
  if (!file) throw new StartupError([`PERSISTED_OPERATIONS_FILE: is required when PERSISTED_OPERATIONS is ${mode}`]);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StartupError([
      `PERSISTED_OPERATIONS_FILE: cannot read ${file} as JSON (${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'})`,
    ]);
  }
  return persistedOperationsFrom(mode, json);
}

export type PersistedResolution =
  | { kind: 'ok'; query: string; id: string; listed: boolean }
  | { kind: 'unknown-id' }
  | { kind: 'hash-mismatch' }
  | { kind: 'no-query' }
  | { kind: 'not-in-list'; id: string };

interface GraphqlBody {
  query?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown>;
}

/**
 * The operation text a request asks for. In every mode an id must match the
 * text sent with it; an id alone must be in the manifest.
 */
export function resolvePersistedOperation(body: GraphqlBody, store: PersistedOperations): PersistedResolution {
  const hash = body.extensions?.persistedQuery?.sha256Hash;
  const text = typeof body.query === 'string' && body.query.length > 0 ? body.query : undefined;
  if (typeof hash === 'string') {
    const listed = store.byId.get(hash);
    if (text === undefined)
      return listed ? { kind: 'ok', query: listed.body, id: hash, listed: true } : { kind: 'unknown-id' };
    if (operationId(text) !== hash) return { kind: 'hash-mismatch' };
  }
  if (text === undefined) return { kind: 'no-query' };
  if (store.mode === 'off') return { kind: 'ok', query: text, id: typeof hash === 'string' ? hash : '', listed: false };
  const id = typeof hash === 'string' ? hash : operationId(text);
  const listed = store.byId.has(id);
  if (!listed && store.mode === 'enforce') return { kind: 'not-in-list', id };
  return { kind: 'ok', query: text, id, listed };
}
