// How the gateway talks to subgraphs: Node's built-in fetch (undici), which
// pools and reuses keep-alive connections per origin, with a per-request
// timeout so a hung subgraph fails the request instead of holding it.
import type { Fetcher } from '@apollo/utils.fetcher';

export function createSubgraphFetcher(timeoutMs: number): Fetcher {
  const fetcher = (url: string, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return fetcher as unknown as Fetcher;
}
