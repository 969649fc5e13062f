// The partner exchange endpoint in production mode (docker-compose), where
// the gateway has no database: with FHIR_BASE_URL set, the worker process
// (adapters/main.ts) also serves /fhir on PORT. HTTPS with a server
// certificate from the network CA when CLIENT_CERT_MODE=tls (partners'
// client certificates then reach partner-auth.ts for mTLS), plain HTTP
// behind a TLS-terminating proxy otherwise (JWT only). Opt-in: without
// FHIR_BASE_URL nothing listens, as before.
import express from 'express';
import type { Config } from '../../lib/config';
import type { PrismaClient } from '../../lib/database';
import { openAssertionKey, openExchangeKey, type ExchangeIdentity } from '../../lib/exchange/exchange-key';
import { listen, type RunningServer } from '../../lib/http-server';
import { listenHttps } from '../../lib/https-server';
import type { Logger } from '../../lib/logger';
import { openCertificateAuthority } from '../../lib/pki/certificate-authority';
import { fhirRouter } from './router';

export interface FhirEndpoint {
  server: RunningServer;
  exchange: ExchangeIdentity;
}

/** The Express app: /fhir only, responses never cached (as the gateway's). */
export function fhirApp(
  db: PrismaClient,
  exchange: ExchangeIdentity,
  logger: Logger,
  trustedCaPems: readonly string[] = [],
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use('/fhir', fhirRouter({ db, exchange, logger, trustedCaPems }));
  return app;
}

/** Starts the endpoint when FHIR_BASE_URL is set; undefined otherwise. */
export async function startFhirEndpoint(
  db: PrismaClient,
  config: Config,
  logger: Logger,
  known?: ExchangeIdentity,
  /** PARTNER_CA_FILES: trusted for partners' JWKS URLs when a partner registered no CA. */
  trustedCaPems: readonly string[] = [],
): Promise<FhirEndpoint | undefined> {
  if (!config.fhirBaseUrl) return undefined;
  const exchange: ExchangeIdentity = known ?? {
    key: await openExchangeKey(config.caDir),
    assertionKey: await openAssertionKey(config.caDir),
    fhirBaseUrl: config.fhirBaseUrl,
  };
  const app = fhirApp(db, exchange, logger, trustedCaPems);
  let server: RunningServer;
  if (config.clientCertMode === 'tls') {
    const ca = await openCertificateAuthority(config.caDir);
    server = await listenHttps(app, config.host, config.port, 'the FHIR endpoint', {
      ...ca.issueServerCertificate(config.tlsHostnames),
      caCertificatePem: ca.caCertificatePem,
    });
  } else {
    server = await listen(app, config.host, config.port, 'the FHIR endpoint');
  }
  logger.info({ url: exchange.fhirBaseUrl, listening: server.url }, 'partner exchange endpoint ready');
  return { server, exchange };
}
