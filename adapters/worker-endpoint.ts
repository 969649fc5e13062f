// The worker's own port (PORT), opened before any queue worker starts so a
// port in use is reported with the other start-up problems, not after jobs
// began running:
//   GET /healthz  the process is up (liveness: restart it if this fails);
//   GET /readyz   it can do its work: PostgreSQL and Redis answer and its
//                 queue workers have started (503 with the failing checks);
//   /fhir         the partner exchange endpoint, only with FHIR_BASE_URL
//                 (adapters/fhir/fhir-server.ts has the app's story).
// HTTPS when the exchange is served and CLIENT_CERT_MODE=tls, with the
// certificate in TLS_CERT_FILE/TLS_KEY_FILE or one issued from the network CA
// at start (lib/server-tls.ts) (partners' client certificates reach partner-auth.ts);
// plain HTTP otherwise, which a health probe on the host or a TLS-terminating
// proxy in front expects.
import express from 'express';
import type { Config } from '../lib/config';
import { jsonErrorHandler, jsonNotFound } from '../lib/http-errors';
import { listen, type RunningServer } from '../lib/http-server';
import { listenHttps } from '../lib/https-server';
import type { Logger } from '../lib/logger';
import { serverTls } from '../lib/server-tls';
import { fhirRouter, type FhirRouterOptions } from './fhir/router';

export type WorkerCheck = 'ok' | 'unavailable';

export interface WorkerReadiness {
  status: 'ok' | 'unavailable';
  checks: { database: WorkerCheck; redis: WorkerCheck; queues: WorkerCheck };
}

export interface WorkerProbes {
  pingDatabase(): Promise<unknown>;
  pingRedis(): Promise<unknown>;
  /** True once the queue workers have started (and until they are closed). */
  queuesRunning(): boolean;
}

async function check(probe: () => Promise<unknown>, probeTimeoutMs: number): Promise<WorkerCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), probeTimeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

/** A probe that does not answer within `probeTimeoutMs` counts as unavailable (an orchestrator's probe has its own timeout). */
export async function workerReadiness(probes: WorkerProbes, probeTimeoutMs = 2_000): Promise<WorkerReadiness> {
  const [database, redis] = await Promise.all([
    check(probes.pingDatabase, probeTimeoutMs),
    check(probes.pingRedis, probeTimeoutMs),
  ]);
  const checks = { database, redis, queues: probes.queuesRunning() ? ('ok' as const) : ('unavailable' as const) };
  return { status: Object.values(checks).every((c) => c === 'ok') ? 'ok' : 'unavailable', checks };
}

export function workerApp(options: {
  probes: WorkerProbes;
  logger: Logger;
  fhir?: Pick<FhirRouterOptions, 'db' | 'exchange' | 'trustedCaPems' | 'rateLimits' | 'vault' | 'metrics'>;
}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'worker' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await workerReadiness(options.probes);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  if (options.fhir) app.use('/fhir', fhirRouter({ ...options.fhir, logger: options.logger }));
  app.use(jsonNotFound);
  app.use(jsonErrorHandler(options.logger));
  return app;
}

export async function listenWorkerEndpoint(
  app: express.Express,
  config: Pick<Config, 'host' | 'port' | 'clientCertMode' | 'caDir' | 'caCertFile' | 'tlsFiles' | 'tlsHostnames'>,
  servesExchange: boolean,
): Promise<RunningServer> {
  if (servesExchange && config.clientCertMode === 'tls') {
    return listenHttps(app, config.host, config.port, 'the worker', await serverTls(config));
  }
  return listen(app, config.host, config.port, 'the worker');
}
