// The web console (console/, built into dist/console by scripts/console-build.ts)
// at / on the gateway's own origin and TLS: the browser that holds a terminal
// certificate presents it for the page and for /graphql alike, and the page
// calls /graphql with no cross-origin request. Everything is a local file.
//
// - `/` is the page, with a Content-Security-Policy that allows the page's own
//   files and /graphql only (no inline script, no other origin, no framing).
// - `/assets/*` are Vite's content-hashed files: cached for a year (they hold
//   code, never personal data); everything else the gateway answers stays
//   `no-store`.
// - The console's GraphQL documents are dist/console/persisted-operations.json,
//   the manifest PERSISTED_OPERATIONS_FILE can point at.
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { repoPath } from '../lib/repo-paths';
import { StartupError } from '../lib/startup-error';

/** Where `npm run build:console` (and `npm start`) put the built console. */
export const builtConsoleDir = repoPath('dist', 'console');

export const consolePolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Read once at start: a missing build is a startup error naming the command that makes it. */
export function consoleRouter(dir: string): express.Router {
  const indexPath = path.join(dir, 'index.html');
  if (!fs.existsSync(indexPath))
    throw new StartupError([`the console is not built (${indexPath} is missing): run \`npm run build:console\``]);
  const page = fs.readFileSync(indexPath);
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.setHeader('Content-Security-Policy', consolePolicy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('html').send(page);
  });
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      index: false,
      fallthrough: true,
      // Set here: serve-static leaves a Cache-Control already set (the gateway's no-store) as it is.
      cacheControl: false,
      setHeaders: (res) => {
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        res.setHeader('X-Content-Type-Options', 'nosniff');
      },
    }),
  );
  return router;
}
