// GET /graphiql: GraphiQL, the schema explorer, for development only
// (GRAPHIQL=on, which needs GRAPHQL_INTROSPECTION=on; off by default). Every
// file is served from this gateway, from the development dependencies
// (graphiql 3 and React 18, whose browser builds need no bundler), never a
// CDN: Apollo's Sandbox page loads its code from Apollo's servers, which a
// care network's terminals must not depend on. The page calls /graphql on
// the same origin, so the browser presents its terminal certificate, and
// the caller adds its session token in GraphiQL's Headers tab, as any client
// does. A Content-Security-Policy keeps the page to its own files.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express from 'express';
import { StartupError } from '../lib/startup-error';

/** Served name → [package, file in the package, type]. The packages' exports do not list these browser builds. */
const assets = {
  'react.js': ['react', 'umd/react.production.min.js', 'text/javascript; charset=utf-8'],
  'react-dom.js': ['react-dom', 'umd/react-dom.production.min.js', 'text/javascript; charset=utf-8'],
  'graphiql.js': ['graphiql', 'graphiql.min.js', 'text/javascript; charset=utf-8'],
  'graphiql.css': ['graphiql', 'graphiql.min.css', 'text/css; charset=utf-8'],
} as const;

/** No inline script (the CSP forbids it): the page's own start-up is a file too. */
const startScript = `'use strict';
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
const defaultHeaders = JSON.stringify({ authorization: 'Bearer <the token signIn returned>' }, null, 2);
const defaultQuery = [
  '# Renkei: sign in first (the browser presents your terminal certificate),',
  '# then put the token in the Headers tab below and run your queries.',
  'mutation SignIn {',
  '  signIn(accountId: "<account ID>", password: "<password>") {',
  '    token',
  '    mustChangePassword',
  '  }',
  '}',
  '',
].join('\\n');
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery, defaultHeaders, defaultEditorToolsVisibility: true }),
);
`;

const page = `<!doctype html>
<html lang="ja">
  <head>
    <meta charset="utf-8" />
    <title>Renkei GraphiQL (development)</title>
    <link rel="stylesheet" href="/graphiql/graphiql.css" />
    <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/react.js"></script>
    <script src="/graphiql/react-dom.js"></script>
    <script src="/graphiql/graphiql.js"></script>
    <script src="/graphiql/start.js"></script>
  </body>
</html>
`;

// Inline styles: GraphiQL's editors set element styles; fonts are data: URLs in its CSS.
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The router, or a StartupError when the development dependencies are not
 * installed (an image built with `npm ci --omit=dev` has no GraphiQL).
 */
export function graphiqlRouter(): express.Router {
  const require = createRequire(__filename);
  const files = new Map<string, { file: string; type: string }>();
  for (const [name, [pkg, file, type]] of Object.entries(assets)) {
    const resolved = (() => {
      try {
        return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
      } catch {
        return null;
      }
    })();
    if (!resolved || !existsSync(resolved)) {
      throw new StartupError([
        `GRAPHIQL: is on, but ${pkg} is not installed (a development dependency: run npm install without --omit=dev, or set GRAPHIQL=off)`,
      ]);
    }
    files.set(name, { file: resolved, type });
  }
  const router = express.Router();
  router.use('/graphiql', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  router.get('/graphiql', (_req, res) => {
    res.type('text/html; charset=utf-8').send(page);
  });
  router.get('/graphiql/start.js', (_req, res) => {
    res.type('text/javascript; charset=utf-8').send(startScript);
  });
  router.get('/graphiql/:asset', (req, res, next) => {
    const asset = files.get(req.params.asset);
    if (!asset) {
      next();
      return;
    }
    res.type(asset.type).sendFile(asset.file);
  });
  return router;
}
