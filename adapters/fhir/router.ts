// The FHIR R4 endpoint for partner systems (Art. 20-2; partner exchange
// contract v1, and v2's SMART Backend Services), an express router mounted at
// /fhir on the gateway's app:
//   GET  metadata                      CapabilityStatement (public)
//   GET  .well-known/jwks.json         our exchange public keys (public)
//   GET  .well-known/smart-configuration, POST token
//                                      SMART Backend Services (smart-routes.ts)
//   POST Task                          a partner's join request (If-None-Exist honoured)
//   GET  Task/<id>, Task?identifier=   the partner's own Tasks (a searchset Bundle)
//   PUT/PATCH Task/<id>                the partner cancels its Task before a decision
//   GET  CareTeam/<id>                 a room as that partner may see it
//   POST Subscription, GET/DELETE Subscription/<id>
//                                      push: status changes of the partner's own Tasks
//                                      (Subscriptions Backport, subscriptions/)
//   POST subscription-notifications/<id>
//                                      push the other way: a partner notifies us about our
//                                      subscription at it (authenticated by that subscription's
//                                      secret, not as a partner; ../partner/outbound-subscriptions.ts)
// Each route names the SMART permission it needs (Task.c, Task.r, Task.s,
// Task.u, CareTeam.r), checked after authentication and before the body is
// read: 403 FORBIDDEN when the caller's access token lacks it (contract v1
// partners have them all). Another partner's Task or CareTeam is the same
// 404 as an unknown one; the attempt is recorded in rooms' access chain
// (DENIED, naming the partner).
// Every answer is application/fhir+json; every error an OperationOutcome
// with its status (operation-outcome.ts). Authentication comes before the
// body is read; bodies are limited to 64 kB (413). Every resource we send is
// validated first (a bug must not put invalid FHIR on the wire). Logs name
// the partner id, route and outcome code, never a body. Each request has a
// request id (lib/request-id.ts: the gateway's when mounted there, else the
// partner's x-request-id if it is a UUID, else a fresh one), answered in
// x-request-id and stored with the events it causes, so the jobs that follow
// log it too.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { PrismaClient } from '../../lib/database';
import type { Logger } from '../../lib/logger';
import { publicRequestIdHeader, requestIdFrom, withRequestId } from '../../lib/request-id';
import { type ExchangeIdentity, ed25519KeysOf, jwksOf } from '../../lib/exchange/exchange-key';
import type { PartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import type { ExchangePartner } from '../../subgraphs/identity';
import { partnerKeys as createPartnerKeys, type PartnerKeys } from './partner-keys';
import { partnerRateLimiter, type PartnerRateLimitOptions } from './partner-rate-limits';
import type { Metrics } from '../../lib/metrics/metrics';
import { smartTokenUrl } from './smart-configuration';
import { mountSmartRoutes } from './smart-routes';
import { permits, type SmartInteraction, type SmartPermissions, type SmartResourceType } from './smart-scopes';
import { careTeamForPartner } from '../../subgraphs/rooms';
import { capabilityStatement } from './capability-statement';
import { renderCareTeam } from './care-team';
import { parseIfNoneExist } from './conditional-create';
import {
  cancelTaskForPartner,
  receiveJoinTask,
  renderStoredTask,
  searchTasksForPartner,
  taskForPartner,
} from './inbound-task-service';
import { cancellationFromPatch, cancellationFromPut } from './task-cancellation';
import {
  FhirError,
  operationOutcome,
  operationOutcomeOf,
  outcomeForError,
  type OperationOutcome,
} from './operation-outcome';
import { authenticatePartner, refusalReason } from './partner-auth';
import { assertValidR4, loadR4Definitions, validateR4 } from './validator';
import {
  renderStoredSubscription,
  subscribe,
  subscriptionForPartner,
  unsubscribe,
} from './subscriptions/subscription-service';
import { acceptNotification, authenticateNotification } from '../partner/outbound-subscriptions';

export const fhirContentType = 'application/fhir+json';
export const jsonPatchContentType = 'application/json-patch+json';
export const fhirBodyLimit = '64kb';

export interface FhirRouterOptions {
  db: PrismaClient;
  exchange: ExchangeIdentity;
  logger: Logger;
  now?: () => Date;
  /**
   * Index the R4 definitions at start (default), so a partner's first request does not wait about a
   * second for it. Tests that boot a whole system per file and may never call /fhir leave it to the
   * first validation (validateR4 indexes on demand).
   */
  preloadDefinitions?: boolean;
  /** The CAs partners' JWKS URLs may chain to when a partner registered none (PARTNER_CA_FILES); else the system's. */
  trustedCaPems?: readonly string[];
  /** Partners' keys (inline or at their JWKS URL, cached); default: partnerKeys() with trustedCaPems. */
  partnerKeys?: PartnerKeys;
  /** Token requests per address and requests per partner (partner-rate-limits.ts); default none (the entry points pass them). */
  rateLimits?: PartnerRateLimitOptions | null;
  /** Seals what partners give us to keep secret (a subscription channel's Authorization header). */
  vault: PartnerKeyVault;
  /** Counts requests by route, partner and status, and rate-limit refusals (lib/metrics); none: nothing is counted. */
  metrics?: Metrics;
}

function send(res: Response, status: number, resource: Record<string, unknown>): void {
  res
    .status(status)
    .type(fhirContentType)
    .send(JSON.stringify(assertValidR4(resource)));
}

export function fhirRouter(options: FhirRouterOptions): express.Router {
  const { db, exchange } = options;
  const logger = options.logger.child({ component: 'fhir' });
  const now = options.now ?? (() => new Date());
  // Indexing the R4 definitions takes a moment: do it at start, not on a partner's first request.
  if (options.preloadDefinitions ?? true) loadR4Definitions();
  const router = express.Router();

  const metrics = options.metrics;
  if (metrics)
    router.use((req, res, next) => {
      const stop = metrics.fhirRequestDuration.startTimer();
      res.once('finish', () => {
        // The route pattern (Task/:id), never the path itself: ids would make the labels unbounded.
        const route = (req.route as { path?: unknown } | undefined)?.path;
        stop({
          route: `${req.method} ${typeof route === 'string' ? route : '(other)'}`,
          partner: (res.locals.partner as ExchangePartner | undefined)?.id ?? 'none',
          status: String(res.statusCode),
        });
      });
      next();
    });
  router.use((req, res, next) => {
    const requestId = (res.locals.requestId as string | undefined) ?? requestIdFrom(req.headers[publicRequestIdHeader]);
    res.locals.requestId = requestId;
    res.setHeader(publicRequestIdHeader, requestId);
    withRequestId(requestId, next);
  });
  router.get('/metadata', (_req, res) => send(res, 200, capabilityStatement(exchange.fhirBaseUrl, now())));
  router.get('/.well-known/jwks.json', (_req, res) => {
    res.status(200).json(jwksOf(exchange));
  });
  const keys = options.partnerKeys ?? createPartnerKeys({ defaultCaPems: options.trustedCaPems ?? [] });
  const limiter = options.rateLimits ? partnerRateLimiter(options.rateLimits) : null;
  /** After a refusal by a limit: Retry-After, and the log says which limit (never who beyond the partner id). */
  const throttled = (res: Response, decision: { limit: string; retryAfterSeconds: number }, partner?: string) => {
    logger.warn(
      {
        requestId: res.locals.requestId as string,
        partner,
        limit: decision.limit,
        retryAfterSeconds: decision.retryAfterSeconds,
      },
      'fhir: request refused: rate limit',
    );
    options.metrics?.rateLimitRefusals.inc({ limit: decision.limit });
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
  };
  mountSmartRoutes(router, {
    db,
    keys,
    now,
    logger,
    limitTokenRequest: async (req, res) => {
      if (!limiter) return true;
      const decision = await limiter.check({ tokenAddress: req.socket.remoteAddress ?? null });
      if (decision.ok) return true;
      throttled(res, decision);
      return false;
    },
    fhirBaseUrl: () => exchange.fhirBaseUrl,
    tokenUrl: () => smartTokenUrl(exchange.fhirBaseUrl),
  });

  const authenticated = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const caller = await authenticatePartner(req, { db, fhirBaseUrl: () => exchange.fhirBaseUrl, keys, now });
      res.locals.partner = caller.partner;
      res.locals.permissions = caller.permissions;
      const decision = limiter ? await limiter.check({ partner: caller.partner.id }) : ({ ok: true } as const);
      if (!decision.ok) {
        throttled(res, decision, caller.partner.id);
        throw new FhirError(
          'RATE_LIMITED',
          'Too many requests from this partner system: try again after Retry-After seconds.',
        );
      }
      next();
    } catch (error) {
      if (error instanceof FhirError)
        logger.info(
          {
            requestId: res.locals.requestId as string,
            route: `${req.method} ${req.path}`,
            reason: refusalReason(error) ?? error.code,
          },
          'fhir: partner refused',
        );
      next(error);
    }
  };
  const partnerOf = (res: Response) => res.locals.partner as ExchangePartner;
  // Deny by default: a route without its permission in the caller's scopes is 403, before its body is read.
  const requires =
    (type: SmartResourceType, interaction: SmartInteraction) => (req: Request, res: Response, next: NextFunction) => {
      if (permits(res.locals.permissions as SmartPermissions, type, interaction)) return next();
      res.locals.missingScope = `system/${type}.${interaction}`;
      logger.info(
        {
          requestId: res.locals.requestId as string,
          partner: partnerOf(res).id,
          route: `${req.method} ${req.path}`,
          reason: 'INSUFFICIENT_SCOPE',
        },
        'fhir: partner refused',
      );
      next(new FhirError('FORBIDDEN', `this needs the scope system/${type}.${interaction}`));
    };
  const jsonBody = express.json({ limit: fhirBodyLimit, type: [fhirContentType, 'application/json'] });
  const patchBody = express.json({ limit: fhirBodyLimit, type: [jsonPatchContentType], strict: true });
  const mediaType = (types: string[]) => (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is(types)) next(new FhirError('UNSUPPORTED_MEDIA_TYPE', `send the body as ${types[0]}`));
    else next();
  };

  router.post(
    '/Task',
    authenticated,
    requires('Task', 'c'),
    (req, _res, next) => {
      if (!req.is([fhirContentType, 'application/json']))
        next(new FhirError('UNSUPPORTED_MEDIA_TYPE', `send the Task as ${fhirContentType}`));
      else next();
    },
    // A malformed condition is refused before the body is read: nothing is created under a condition we did not understand.
    (req, _res, next) => {
      const condition = parseIfNoneExist(req.headers['if-none-exist']);
      if (!condition.ok) return next(new FhirError('BAD_REQUEST', condition.message, ['If-None-Exist']));
      _res.locals.condition = condition.identifier;
      next();
    },
    jsonBody,
    async (req, res, next) => {
      try {
        const partner = partnerOf(res);
        const { created, task } = await receiveJoinTask(db, partner, req.body, now(), res.locals.condition ?? null);
        logger.info({ partner: partner.id, task: task.id, created }, 'fhir: join Task received');
        if (created) res.location(`Task/${task.id}`);
        send(res, created ? 201 : 200, renderStoredTask(task));
      } catch (error) {
        next(error);
      }
    },
  );

  router.get('/Task/:id', authenticated, requires('Task', 'r'), async (req, res, next) => {
    try {
      send(res, 200, renderStoredTask(await taskForPartner(db, partnerOf(res).id, String(req.params.id))));
    } catch (error) {
      next(error);
    }
  });

  // Other search parameters are ignored (FHIR's lenient handling); the self link names only what was applied.
  router.get('/Task', authenticated, requires('Task', 's'), async (req, res, next) => {
    try {
      const identifier = req.query.identifier;
      if (typeof identifier !== 'string')
        throw new FhirError('BAD_REQUEST', 'search Tasks by one identifier=system|value', ['identifier']);
      const tasks = await searchTasksForPartner(db, partnerOf(res).id, identifier);
      send(res, 200, {
        resourceType: 'Bundle',
        type: 'searchset',
        total: tasks.length,
        link: [{ relation: 'self', url: `${exchange.fhirBaseUrl}/Task?identifier=${encodeURIComponent(identifier)}` }],
        entry: tasks.map((task) => ({
          fullUrl: `${exchange.fhirBaseUrl}/Task/${task.id}`,
          resource: renderStoredTask(task),
          search: { mode: 'match' },
        })),
      });
    } catch (error) {
      next(error);
    }
  });

  const cancel =
    (parse: (req: Request) => ReturnType<typeof cancellationFromPut>) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const partner = partnerOf(res);
        const request = parse(req);
        if (!request.ok) throw new FhirError('BAD_REQUEST', request.message, [request.expression]);
        const task = await cancelTaskForPartner(db, partner.id, String(req.params.id), request, now());
        logger.info({ partner: partner.id, task: task.id }, 'fhir: join Task cancelled by the requester');
        send(res, 200, renderStoredTask(task));
      } catch (error) {
        next(error);
      }
    };
  router.put(
    '/Task/:id',
    authenticated,
    requires('Task', 'u'),
    mediaType([fhirContentType, 'application/json']),
    jsonBody,
    cancel((req) => cancellationFromPut(req.body, String(req.params.id))),
  );
  router.patch(
    '/Task/:id',
    authenticated,
    requires('Task', 'u'),
    mediaType([jsonPatchContentType]),
    patchBody,
    cancel((req) => cancellationFromPatch(req.body)),
  );

  router.get('/CareTeam/:id', authenticated, requires('CareTeam', 'r'), async (req, res, next) => {
    try {
      const view = await careTeamForPartner(db, String(req.params.id), partnerOf(res).id, now());
      if (!view) throw new FhirError('NOT_FOUND', 'no such CareTeam');
      send(res, 200, renderCareTeam(view));
    } catch (error) {
      next(error);
    }
  });

  // Push (issue 17 part 3): the body is valid R4 before our rules look at it; nothing is stored on a refusal.
  router.post(
    '/Subscription',
    authenticated,
    requires('Subscription', 'c'),
    mediaType([fhirContentType, 'application/json']),
    jsonBody,
    async (req, res, next) => {
      try {
        const partner = partnerOf(res);
        const validation = validateR4(req.body);
        if (!validation.valid)
          throw Object.assign(
            new FhirError(
              'INVALID_RESOURCE',
              'not a valid R4 Subscription',
              validation.issues.map((i) => i.expression),
            ),
            { issues: validation.issues },
          );
        const created = await subscribe(db, options.vault, partner, req.body, now());
        logger.info({ partner: partner.id, subscription: created.id }, 'fhir: subscription created');
        res.location(`Subscription/${created.id}`);
        send(res, 201, renderStoredSubscription(created));
      } catch (error) {
        next(error);
      }
    },
  );
  router.get('/Subscription/:id', authenticated, requires('Subscription', 'r'), async (req, res, next) => {
    try {
      send(
        res,
        200,
        renderStoredSubscription(await subscriptionForPartner(db, partnerOf(res).id, String(req.params.id))),
      );
    } catch (error) {
      next(error);
    }
  });
  router.delete('/Subscription/:id', authenticated, requires('Subscription', 'd'), async (req, res, next) => {
    try {
      const partner = partnerOf(res);
      await unsubscribe(db, partner.id, String(req.params.id));
      logger.info({ partner: partner.id, subscription: String(req.params.id) }, 'fhir: subscription deleted');
      res.status(204).end();
    } catch (error) {
      next(error);
    }
  });

  // Outbound push: a notification for our subscription at a partner. The subscription's secret is checked
  // before the body is read; every refusal is an OperationOutcome and changes nothing.
  router.post(
    '/subscription-notifications/:id',
    async (req, res, next) => {
      try {
        res.locals.outboundSubscription = await authenticateNotification(
          db,
          ed25519KeysOf(exchange),
          String(req.params.id),
          req.headers.authorization,
        );
        next();
      } catch (error) {
        if (error instanceof FhirError)
          logger.info(
            { requestId: res.locals.requestId as string, route: 'POST subscription-notifications', reason: error.code },
            'fhir: notification refused',
          );
        next(error);
      }
    },
    mediaType([fhirContentType, 'application/json']),
    jsonBody,
    async (req, res, next) => {
      try {
        const receipt = await acceptNotification(
          db,
          res.locals.outboundSubscription as Parameters<typeof acceptNotification>[1],
          req.body,
          now(),
        );
        logger.info(
          {
            requestId: res.locals.requestId as string,
            subscription: receipt.subscriptionId,
            outboundRequest: receipt.requestId,
            kind: receipt.kind,
            readTask: receipt.readTask,
          },
          'fhir: notification received',
        );
        res.status(204).end();
      } catch (error) {
        next(error);
      }
    },
  );

  // Known paths with another method; anything else is not here.
  router.all(
    [
      '/metadata',
      '/Task',
      '/Task/:id',
      '/CareTeam/:id',
      '/Subscription',
      '/Subscription/:id',
      '/subscription-notifications/:id',
      '/token',
      '/.well-known/smart-configuration',
    ],
    (_req, _res, next) => next(new FhirError('METHOD_NOT_ALLOWED', 'this method is not supported here')),
  );
  router.use((_req, _res, next) => next(new FhirError('NOT_FOUND', 'no such FHIR endpoint')));

  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: string }).type;
    let answer: { status: number; body: OperationOutcome };
    if (type === 'entity.too.large')
      answer = operationOutcome('PAYLOAD_TOO_LARGE', `the body must be at most ${fhirBodyLimit}`);
    else if (type === 'entity.parse.failed') answer = operationOutcome('INVALID_RESOURCE', 'the body is not JSON');
    else if (type === 'charset.unsupported' || type === 'encoding.unsupported')
      answer = operationOutcome('UNSUPPORTED_MEDIA_TYPE', 'send UTF-8 JSON');
    else if (
      error instanceof FhirError &&
      (error as { issues?: Array<{ expression: string; message: string }> }).issues
    ) {
      answer = operationOutcomeOf(
        error.code,
        (error as unknown as { issues: Array<{ expression: string; message: string }> }).issues,
      );
    } else {
      answer = outcomeForError(error);
      if (answer.status >= 500)
        logger.error(
          { route: `${req.method} ${req.path}`, err: { name: (error as Error)?.name } },
          'fhir: unexpected error',
        );
    }
    if (answer.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (answer.status === 403 && res.locals.missingScope)
      res.setHeader(
        'WWW-Authenticate',
        `Bearer error="insufficient_scope", scope="${res.locals.missingScope as string}"`,
      );
    res.status(answer.status).type(fhirContentType).send(JSON.stringify(answer.body));
  });
  return router;
}
