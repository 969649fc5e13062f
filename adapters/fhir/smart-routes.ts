// The SMART App Launch 2.x Backend Services routes of our FHIR endpoint
// (issue 17), mounted by router.ts before authentication (they are how a
// partner gets authenticated):
//   GET  .well-known/smart-configuration   where the token endpoint is, what it accepts
//   POST token                             client_credentials + client assertion → access token
// Thin: parse, call smart-token-service, answer. Every answer is JSON with
// Cache-Control: no-store (and Pragma: no-cache, RFC 6749 5.1), every refusal
// an OAuth error (oauth-error.ts). Each token issued or refused is logged
// with the partner id (when the assertion named a registered one), the
// granted scopes or the refusal's error and reason, never the assertion, the
// token or anything about a person.
import express, { type Request, type Response } from 'express';
import type { Logger } from '../../lib/logger';
import { oauthBody, oauthErrorStatus } from './oauth-error';
import { smartConfiguration } from './smart-configuration';
import { requestAccessToken, type TokenDeps } from './smart-token-service';

export const tokenBodyLimit = '16kb';

function noStore(res: Response): Response {
  return res.setHeader('Cache-Control', 'no-store').setHeader('Pragma', 'no-cache');
}

export function mountSmartRoutes(
  router: express.Router,
  deps: TokenDeps & {
    fhirBaseUrl: () => string;
    logger: Logger;
    /** Counts the request against the per-address limit; false: refused (Retry-After already set). */
    limitTokenRequest: (req: Request, res: Response) => Promise<boolean>;
  },
): void {
  const { logger } = deps;
  router.get('/.well-known/smart-configuration', (_req, res) => {
    noStore(res).status(200).json(smartConfiguration(deps.fhirBaseUrl()));
  });

  const form = express.urlencoded({ extended: false, limit: tokenBodyLimit, parameterLimit: 20 });
  router.post('/token', (req: Request, res: Response, next) => {
    const refuse = (description: string, reason: string) => {
      logger.info(
        { requestId: res.locals.requestId as string, error: 'invalid_request', reason },
        'smart: token refused',
      );
      noStore(res)
        .status(400)
        .json(oauthBody({ error: 'invalid_request', description }));
    };
    if (!req.is('application/x-www-form-urlencoded'))
      return refuse('send the token request as application/x-www-form-urlencoded', 'content-type');
    const readForm = () =>
      form(req, res, (error?: unknown) => {
        if (error) return refuse('the body is not a readable form (at most 16 kB)', 'body');
        requestAccessToken(req.body, deps)
          .then((outcome) => {
            const requestId = res.locals.requestId as string;
            if (outcome.ok) {
              logger.info(
                {
                  requestId,
                  partner: outcome.partnerId,
                  scope: outcome.body.scope,
                  expiresIn: outcome.body.expires_in,
                },
                'smart: token issued',
              );
              noStore(res).status(200).json(outcome.body);
              return;
            }
            logger.info(
              { requestId, partner: outcome.partnerId, error: outcome.error, reason: outcome.reason },
              'smart: token refused',
            );
            noStore(res).status(oauthErrorStatus[outcome.error]).json(oauthBody(outcome));
          })
          .catch(next);
      });
    // Counted before the form is read: a flood costs no parsing and no signature check.
    deps
      .limitTokenRequest(req, res)
      .then((allowed) => {
        if (allowed) readForm();
        else
          noStore(res)
            .status(429)
            .json(
              oauthBody({
                error: 'invalid_request',
                description: 'Too many token requests from this address: try again after Retry-After seconds.',
              }),
            );
      })
      .catch(next);
  });
}
