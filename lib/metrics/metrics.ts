// Every Prometheus metric Renkei exposes, defined in this one place (issue 15).
//
// One Metrics object, with its own prom-client Registry, per running system:
// a production process (gateway, a subgraph, the worker) has one, the
// all-in-one start has one for everything it runs, and each in-process test
// system has its own. Nothing is registered on prom-client's global default
// registry: a jest process starts several systems (two gateways in one
// test), and a shared registry would either refuse the second registration
// or add one system's counts to another's. So the object is created where a
// system starts (start/system.ts, the entry points) and handed to what
// counts (the gateway's plugin, the subgraphs' contexts, the workers' jobs);
// code given none counts nothing.
//
// Labels are bounded: operation names (gateway/graphql-metrics.ts caps
// them), error codes, queue, subgraph, outbox and trail names, reasons from
// fixed vocabularies, and partner ids (organization ids; partners are few).
// Never a person's id, an account id, an address or free text.
//
// Values that live in the database or in Redis (queue sizes, outbox lag,
// dead letters waiting, emergency accesses in force) are read when
// Prometheus scrapes, one cheap query each (onScrape); a source that fails
// (the database is down) is logged and left out of that scrape, never failing
// the whole scrape.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../logger';

/** A gauge's samples read at scrape time: its label values and value. */
export type Sample<L extends string> = { labels?: Partial<Record<L, string>>; value: number };

export interface ScrapeSource<L extends string> {
  /** Names the source in the log line and in renkei_metrics_source_errors_total when it fails. */
  name: string;
  gauge: Gauge<L>;
  read(): Promise<Array<Sample<L>>>;
}

/** How long one scrape-time source may take before it is left out of the scrape. */
const sourceTimeoutMs = 3_000;

export function createMetrics(options: { logger?: Logger; processMetrics?: boolean } = {}) {
  const registry = new Registry();
  // Process metrics (CPU, memory, event loop lag, handles): in a production process, not in each test system.
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const metrics = {
    registry,

    // The gateway (gateway/graphql-metrics.ts): every operation that reached Apollo, by name and
    // outcome (ok, or the first error's code); its _count is the number of operations.
    graphqlOperationDuration: new Histogram({
      name: 'renkei_graphql_operation_duration_seconds',
      help: 'GraphQL operations at the gateway by operation name and outcome (ok or the first error code), in seconds',
      labelNames: ['operation', 'outcome'] as const,
      registers,
    }),
    // The gateway's calls to subgraphs (gateway/subgraph-fetcher.ts): ok, http_error (a non-2xx answer) or failed.
    subgraphFetchDuration: new Histogram({
      name: 'renkei_subgraph_fetch_duration_seconds',
      help: 'HTTP calls from the gateway to a subgraph by subgraph and outcome (ok, http_error, failed), in seconds',
      labelNames: ['subgraph', 'outcome'] as const,
      registers,
    }),
    // Who is calling (gateway/principal-resolver.ts): cache hit or miss (none: refused before the session was
    // looked up), result ok, refused (401) or unavailable (identity did not answer: 503).
    sessionResolutions: new Counter({
      name: 'renkei_session_resolutions_total',
      help: 'Session (principal) resolutions at the gateway by cache (hit, miss, none) and result (ok, refused, unavailable)',
      labelNames: ['cache', 'result'] as const,
      registers,
    }),
    // Identity (services/session-service.ts): the audit row's reason (unknown-account, wrong-password, locked, …).
    signInFailures: new Counter({
      name: 'renkei_sign_in_failures_total',
      help: 'Refused sign-ins by reason (the audit reason: unknown-account, wrong-password, locked, ...)',
      labelNames: ['reason'] as const,
      registers,
    }),
    // Identity: an account locked by this attempt (a failed sign-in or a wrong current password).
    accountLockouts: new Counter({
      name: 'renkei_account_lockouts_total',
      help: 'Accounts locked by too many wrong passwords, by where (sign_in, change_password)',
      labelNames: ['via'] as const,
      registers,
    }),
    // The gateway (session, certificate, signIn) and the partner endpoint (tokenAddress, partner).
    rateLimitRefusals: new Counter({
      name: 'renkei_rate_limit_refusals_total',
      help: 'Requests refused with 429 by limit (gateway: session, certificate, signIn; /fhir: tokenAddress, partner)',
      labelNames: ['limit'] as const,
      registers,
    }),
    // The worker (adapters/workers.ts): completed, or failed (one attempt; a retry may follow).
    jobsFinished: new Counter({
      name: 'renkei_jobs_finished_total',
      help: 'Job attempts finished by queue and state (completed, failed: an attempt failed, a retry may follow)',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    jobs: new Gauge({
      name: 'renkei_jobs',
      help: 'Jobs in each queue by state (waiting, active, delayed, failed), read from BullMQ at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    outboxLag: new Gauge({
      name: 'renkei_outbox_lag_seconds',
      help: 'Age of the oldest outbox event not yet relayed to its queue, per outbox (0: none waiting), at scrape time',
      labelNames: ['outbox'] as const,
      registers,
    }),
    deadLetters: new Gauge({
      name: 'renkei_dead_letters_waiting',
      help: 'Exchange jobs that gave up (dead letters) not yet re-driven, at scrape time',
      registers,
    }),
    // adapters/partner/partner-client.ts: ok or the error code (HTTP_503, TIMEOUT, NOT_FHIR, …).
    partnerCalls: new Counter({
      name: 'renkei_partner_calls_total',
      help: 'Calls to partner FHIR endpoints by partner (organization id), operation and outcome (ok or the error code)',
      labelNames: ['partner', 'operation', 'outcome'] as const,
      registers,
    }),
    // The partner endpoint (adapters/fhir/router.ts): every request partners make of us, by route
    // (method and Express route pattern, `(other)` for no route), partner (`none` before one is
    // authenticated) and HTTP status. A partner whose calls turn 4xx is calling us wrong.
    fhirRequestDuration: new Histogram({
      name: 'renkei_fhir_request_duration_seconds',
      help: 'Requests to the partner endpoint (/fhir) by route, partner (organization id, none when unauthenticated) and HTTP status, in seconds',
      labelNames: ['route', 'partner', 'status'] as const,
      registers,
    }),
    // The audit checkpoint job (adapters/jobs/audit-checkpoint.ts): signed (ok), or not.
    chainVerifications: new Counter({
      name: 'renkei_audit_chain_verifications_total',
      help: 'Access chain checks before signing a checkpoint, by trail and result (ok, broken, checkpoint_file, not_forwarded)',
      labelNames: ['trail', 'result'] as const,
      registers,
    }),
    // Rooms (emergency/services/emergency-access-service.ts): the break-glass alert of issue 14.
    emergencyAccessDeclared: new Counter({
      name: 'renkei_emergency_access_declared_total',
      help: 'Break-glass emergency accesses declared, by coded reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    emergencyAccessesActive: new Gauge({
      name: 'renkei_emergency_accesses_active',
      help: 'Break-glass emergency accesses in force now, at scrape time',
      registers,
    }),
    sourceErrors: new Counter({
      name: 'renkei_metrics_source_errors_total',
      help: 'Scrape-time sources (database, Redis) that failed and were left out of a scrape, by source',
      labelNames: ['source'] as const,
      registers,
    }),

    /** Reads `source` at every scrape until the returned function is called (start and stop mirror). */
    onScrape<L extends string>(source: ScrapeSource<L>): () => void {
      sources.add(source as unknown as ScrapeSource<string>);
      return () => {
        sources.delete(source as unknown as ScrapeSource<string>);
      };
    },

    /** The exposition text: every scrape-time source read first (a failing one left out), then the registry. */
    async scrape(): Promise<{ contentType: string; body: string }> {
      await Promise.all([...sources].map(readSource));
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };

  // A gauge without labels shows 0 until set; a process that has no source for it (the gateway has no
  // dead letters) must not claim 0, so these start empty and show only where a source reads them.
  clear(metrics.deadLetters);
  clear(metrics.emergencyAccessesActive);

  const sources = new Set<ScrapeSource<string>>();
  async function readSource(source: ScrapeSource<string>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const samples = await Promise.race([
        source.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${sourceTimeoutMs} ms`)), sourceTimeoutMs);
        }),
      ]);
      clear(source.gauge);
      for (const sample of samples) {
        if (sample.labels) source.gauge.set(sample.labels, sample.value);
        else source.gauge.set(sample.value);
      }
    } catch (error) {
      // Left out rather than stale (or a false 0): the series is absent from this scrape.
      clear(source.gauge);
      metrics.sourceErrors.inc({ source: source.name });
      // The error's class and code only: a driver's message may quote a query's values.
      const { name, code } = error as Error & { code?: unknown };
      options.logger?.warn(
        { source: source.name, err: { name, code: typeof code === 'string' ? code : undefined } },
        'metrics source failed; left out of this scrape',
      );
    } finally {
      clearTimeout(timer);
    }
  }

  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** No samples at all, with or without labels (reset alone leaves an unlabelled gauge at 0). */
function clear(gauge: Gauge<string>): void {
  gauge.reset();
  gauge.remove({});
}
