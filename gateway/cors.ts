// Cross-origin calls from browsers: only the origins an operator listed
// (CORS_ORIGINS), none by default. A listed origin's preflight is answered
// with what a GraphQL client sends (JSON POST, the bearer token, a request
// id) and credentials allowed, since a terminal's client certificate is a
// credential in the browser's eyes; any other origin gets no CORS headers,
// so its browser refuses the answer. requireJsonPost (lib/http-errors.ts)
// still refuses anything a browser could send without a preflight, which is
// what keeps cross-site request forgery out.
//
// The partner endpoint (/fhir) is for servers, not browsers: it never
// answers CORS.
import cors from 'cors';
import type { RequestHandler } from 'express';
import { publicRequestIdHeader } from '../lib/request-id';
import { certificateIdHeader, passphraseHeader } from './certificate-download';

export function corsFor(origins: readonly string[]): RequestHandler {
  // None listed: no CORS at all (a preflight is refused like any non-POST, 405).
  if (origins.length === 0) return (_req, _res, next) => next();
  const allowed = new Set(origins);
  const handler = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'authorization', publicRequestIdHeader, 'apollo-require-preflight'],
    // The file routes' name and the certificate route's passphrase, so a console on a listed origin can read them.
    exposedHeaders: [
      publicRequestIdHeader,
      'retry-after',
      'content-disposition',
      passphraseHeader,
      certificateIdHeader,
    ],
    credentials: true,
    // Browsers cap this (Chrome at 2 hours); 10 minutes keeps a changed list from lingering.
    maxAge: 600,
  });
  return (req, res, next) => {
    if (req.path.startsWith('/fhir')) {
      next();
      return;
    }
    handler(req, res, next);
  };
}
