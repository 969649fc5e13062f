// GET /readyz: the gateway can serve when every subgraph reports ready (each
// subgraph's own /readyz pings its PostgreSQL) and Redis answers PING.
import type { SubgraphName } from '../lib/config';

export type CheckResult = 'ok' | 'unavailable';

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult>;
}

export function readyzUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '') + '/readyz';
  return url.toString();
}

async function check(fn: () => Promise<boolean>): Promise<CheckResult> {
  try {
    return (await fn()) ? 'ok' : 'unavailable';
  } catch {
    return 'unavailable';
  }
}

export async function checkReadiness(
  subgraphUrls: Record<SubgraphName, string>,
  pingRedis: () => Promise<unknown>,
  timeoutMs = 2000,
): Promise<ReadinessReport> {
  const entries = await Promise.all([
    ...Object.entries(subgraphUrls).map(
      async ([name, url]) =>
        [
          name,
          await check(async () => (await fetch(readyzUrl(url), { signal: AbortSignal.timeout(timeoutMs) })).ok),
        ] as const,
    ),
    ['redis', await check(async () => (await withTimeout(pingRedis(), timeoutMs)) === 'PONG')] as const,
  ]);
  const checks = Object.fromEntries(entries);
  return { status: Object.values(checks).every((c) => c === 'ok') ? 'ok' : 'unavailable', checks };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
