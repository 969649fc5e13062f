// A gateway replica's short memory of resolved principals (issue 16: the
// session check was most of the gateway's added cost). An entry is used only
// while identity's principal epoch (lib/access/principal-epoch.ts) is the one
// it was resolved under, for at most `ttlMs` (at most 1 s) and never past the
// session's own expiry; so whatever identity changes takes effect on the next
// request at every replica, and anything else within the TTL. Only accepted
// resolutions are kept: a refusal is asked again every time.
import type { PrincipalEpoch } from '../lib/access/principal-epoch';

/** The bound the README states: no resolution is reused for longer than this. */
export const maxPrincipalCacheMs = 1000;

export interface CachedResolution<T> {
  value: T;
  /** When the session stops being usable on its own (idle or absolute expiry); null for no session. */
  expiresAt: number | null;
}

interface Entry<T> {
  value: T;
  epoch: string;
  until: number;
}

export interface PrincipalCache<T> {
  /** The cached value, or else resolves, remembering an accepted answer under the epoch read before asking. */
  resolve(key: string, resolve: () => Promise<{ accepted: boolean } & CachedResolution<T>>): Promise<T>;
  /** Answers reused and answers asked for, since start (for metrics and tests). */
  stats(): { hits: number; misses: number; entries: number };
}

export function createPrincipalCache<T>(options: {
  epoch: PrincipalEpoch;
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}): PrincipalCache<T> {
  const ttl = Math.min(options.ttlMs, maxPrincipalCacheMs);
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry<T>>();
  let hits = 0;
  let misses = 0;
  return {
    stats: () => ({ hits, misses, entries: entries.size }),
    async resolve(key, resolve) {
      // Read before resolving: a change that commits while we ask makes this entry stale, not current.
      const epoch = ttl > 0 ? await options.epoch.current() : null;
      if (epoch !== null) {
        const entry = entries.get(key);
        if (entry && entry.epoch === epoch && now() < entry.until) {
          hits += 1;
          return entry.value;
        }
        entries.delete(key);
      }
      misses += 1;
      const answer = await resolve();
      if (epoch !== null && answer.accepted) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        const until = Math.min(now() + ttl, answer.expiresAt ?? Infinity);
        entries.set(key, { value: answer.value, epoch, until });
      }
      return answer.value;
    },
  };
}
