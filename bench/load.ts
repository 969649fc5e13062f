// Load on loopback: autocannon at a fixed concurrency for throughput, and
// plain sequential requests for latency. Latencies are recorded per response
// (autocannon's own summary has p2.5/p50/p97.5 but no p95); a response that
// is not a GraphQL success (HTTP 200, `data`, no `errors`) counts as a
// failure, so a refused or broken query cannot pass as a fast one.
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  requests: number;
  failures: number;
}

export interface LoadTarget {
  url: string;
  body: string;
  /** Fresh headers per run (the internal token lives 60 s). */
  headers: () => Promise<Record<string, string>>;
  /** What a successful body looks like; a GraphQL success unless given. */
  verify?: (body: string) => boolean;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => percentile(values, 50);

export function isGraphQLSuccess(body: string): boolean {
  return body.startsWith('{"data":') && !body.includes('"errors":');
}

export async function autocannonRun(
  target: LoadTarget,
  options: { connections: number; durationSeconds: number },
): Promise<LoadResult> {
  const headers = { 'content-type': 'application/json', ...(await target.headers()) };
  const latencies: number[] = [];
  const instance = autocannon({
    url: target.url,
    method: 'POST',
    headers,
    body: target.body,
    connections: options.connections,
    duration: options.durationSeconds,
    verifyBody: target.verify ?? isGraphQLSuccess,
  } as autocannon.Options) as unknown as EventEmitter & PromiseLike<autocannon.Result>;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode === 200) latencies.push(responseTime);
  });
  const result = await instance;
  const failures =
    result.non2xx + result.errors + result.timeouts + (result as unknown as { mismatches: number }).mismatches;
  return {
    requestsPerSecond: result.requests.total / (result.duration || options.durationSeconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    requests: result.requests.total,
    failures,
  };
}

/** One request at a time; returns each request's latency in ms. */
export async function sequentialLatencies(
  target: LoadTarget,
  samples: number,
): Promise<{ latencies: number[]; failures: number }> {
  const headers = { 'content-type': 'application/json', ...(await target.headers()) };
  const latencies: number[] = [];
  let failures = 0;
  for (let i = 0; i < samples; i += 1) {
    const t0 = performance.now();
    const response = await fetch(target.url, { method: 'POST', headers, body: target.body });
    const text = await response.text();
    latencies.push(performance.now() - t0);
    if (response.status !== 200 || !(target.verify ?? isGraphQLSuccess)(text)) failures += 1;
  }
  return { latencies, failures };
}

/** Sends one request and returns its parsed body, failing loudly when it is not a GraphQL success. */
export async function checkedRequest(target: LoadTarget): Promise<Record<string, unknown>> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await target.headers()) },
    body: target.body,
  });
  const text = await response.text();
  if (response.status !== 200 || !(target.verify ?? isGraphQLSuccess)(text))
    throw new Error(`request to ${target.url} did not succeed (HTTP ${response.status}): ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}
