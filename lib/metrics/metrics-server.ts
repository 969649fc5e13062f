// The internal metrics endpoint: GET /metrics in Prometheus' text format, on
// its own listener (METRICS_HOST, METRICS_PORT), never on a service's public
// port: the gateway's port faces terminals and partners, and what the
// metrics show (operation names, partner ids, queue sizes) is for the
// operators' Prometheus only. Nothing else is served here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, probePort, type ListenSettings, type RunningServer } from '../http-server';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';

/** Where the endpoint listens (config.metrics); null: not served. */
export interface MetricsListen {
  host: string;
  port: number;
}

const metricsSettings: ListenSettings = { host: 'METRICS_HOST', port: 'METRICS_PORT' };
const label = 'the metrics endpoint';

export function metricsHandler(metrics: Metrics, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Not found: the metrics are at /metrics\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: Error) => {
        logger.error({ err: { name: error.name } }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics scrape failed\n');
      },
    );
  };
}

/** Null when the endpoint is off or its port can be bound, else the problem (for collectProblems at start). */
export function probeMetricsPort(at: MetricsListen | null): Promise<string | null> {
  return at ? probePort(at.host, at.port, label, metricsSettings) : Promise.resolve(null);
}

/** Serves /metrics at `at`; null when the endpoint is off. Its close() is the matching stop. */
export async function listenMetrics(
  metrics: Metrics,
  at: MetricsListen | null,
  logger: Logger,
): Promise<RunningServer | null> {
  if (!at) return null;
  const server = await listen(metricsHandler(metrics, logger), at.host, at.port, label, metricsSettings);
  logger.info({ url: `${server.url}/metrics` }, 'metrics endpoint ready');
  return server;
}
