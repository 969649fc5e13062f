// The partner exchange endpoint as an app of its own (/fhir only), for tests
// that serve it apart from the gateway. In production mode (docker-compose),
// where the gateway has no database, the worker serves the same router on
// its port beside /healthz and /readyz (adapters/worker-endpoint.ts).
import express from 'express';
import type { PrismaClient } from '../../lib/database';
import type { ExchangeIdentity } from '../../lib/exchange/exchange-key';
import type { PartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import type { Logger } from '../../lib/logger';
import { fhirRouter } from './router';

/** The Express app: /fhir only, responses never cached (as the gateway's). */
export function fhirApp(
  db: PrismaClient,
  exchange: ExchangeIdentity,
  logger: Logger,
  vault: PartnerKeyVault,
  trustedCaPems: readonly string[] = [],
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use('/fhir', fhirRouter({ db, exchange, logger, trustedCaPems, vault }));
  return app;
}
