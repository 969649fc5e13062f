// How the gateway talks to subgraphs: Node's built-in fetch (undici), which
// pools and reuses keep-alive connections per origin, with a per-request
// timeout so a hung subgraph fails the request instead of holding it. Each
// subgraph's calls are timed for the metrics (renkei_subgraph_fetch_duration_seconds).
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Metrics } from '../lib/metrics/metrics';

export function createSubgraphFetcher(timeoutMs: number): Fetcher {
  const fetcher = (url: string, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return fetcher as unknown as Fetcher;
}

/** `fetcher`, with each call to `subgraph` timed: ok, http_error (a non-2xx answer) or failed (no answer). */
export function timedFetcher(fetcher: Fetcher, subgraph: string, metrics: Metrics | undefined): Fetcher {
  if (!metrics) return fetcher;
  return (async (...args: Parameters<Fetcher>) => {
    const stop = metrics.subgraphFetchDuration.startTimer({ subgraph });
    try {
      const response = await fetcher(...args);
      stop({ outcome: response.ok ? 'ok' : 'http_error' });
      return response;
    } catch (error) {
      stop({ outcome: 'failed' });
      throw error;
    }
  }) as Fetcher;
}
