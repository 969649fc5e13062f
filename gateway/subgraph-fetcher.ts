// How the gateway talks to subgraphs: undici's request() on a keep-alive
// connection pool of the gateway's own, with a deadline per call (body
// included) so a hung subgraph fails the request instead of holding it. Each
// subgraph's calls are timed for the metrics (renkei_subgraph_fetch_duration_seconds).
//
// Why not Node's fetch: it is undici too, but wraps every call in WHATWG
// Request, Headers, Response and web-stream objects. Profiled under the timeline
// fan-out (four subgraph calls per request), fetch was 42 % of the production
// gateway's CPU; on this machine a 5 KB JSON call cost 414–944 µs of CPU through
// fetch and 135–244 µs through request() (README, Performance). Apollo's
// RemoteGraphQLDataSource only needs the small part of a fetch Response it reads
// (status, a header or two, the body as JSON or text), which SubgraphResponse
// gives it over the body read in full.
import { Agent, request } from 'undici';
import type { FetcherHeaders, FetcherRequestInit, FetcherResponse, Fetcher } from '@apollo/utils.fetcher';
import type { Metrics } from '../lib/metrics/metrics';

export interface SubgraphFetcher {
  fetcher: Fetcher;
  /** Closes the pool's connections; calls made after it fail. The gateway's stop calls it last. */
  close(): Promise<void>;
}

export function createSubgraphFetcher(timeoutMs: number): SubgraphFetcher {
  const pool = new Agent();
  const fetcher: Fetcher = async (url: string, init: FetcherRequestInit = {}) => {
    // One deadline for the whole exchange, the answer's body included.
    const signal = AbortSignal.timeout(timeoutMs);
    const answer = await request(url, {
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      headers: init.headers,
      body: init.body,
      dispatcher: pool,
      signal,
    });
    const body = await answer.body.text();
    return new SubgraphResponse(url, answer.statusCode, new AnswerHeaders(answer.headers), body);
  };
  return { fetcher, close: () => pool.close() };
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

type RawHeaders = Record<string, string | string[] | undefined>;

/** A subgraph's answer headers (undici gives them with lower-case names), read as a fetch Headers object reads. */
class AnswerHeaders implements FetcherHeaders {
  constructor(private readonly raw: RawHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  set(name: string, value: string): void {
    this.raw[name.toLowerCase()] = value;
  }
  append(name: string, value: string): void {
    const existing = this.get(name);
    this.set(name, existing === null ? value : `${existing}, ${value}`);
  }
  delete(name: string): void {
    delete this.raw[name.toLowerCase()];
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw).sort()) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** The part of a fetch Response that Apollo's data source reads, over a body already read in full. */
class SubgraphResponse implements FetcherResponse {
  bodyUsed = false;
  readonly redirected = false;
  readonly statusText = '';

  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: AnswerHeaders,
    private readonly body: string,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  async text(): Promise<string> {
    this.use();
    return this.body;
  }
  async json(): Promise<unknown> {
    this.use();
    return JSON.parse(this.body) as unknown;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    this.use();
    const bytes = Buffer.from(this.body, 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone(): SubgraphResponse {
    if (this.bodyUsed) throw new TypeError('the body has already been read');
    return new SubgraphResponse(this.url, this.status, this.headers, this.body);
  }

  /** As fetch's Response: a body is read once. */
  private use(): void {
    if (this.bodyUsed) throw new TypeError('the body has already been read');
    this.bodyUsed = true;
  }
}
