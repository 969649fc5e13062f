// GraphiQL at /graphiql (development only): the gateway alone, no
// subgraph is called. Off by default; when on, the page and every file it
// loads come from the gateway itself, under a policy that forbids anything
// else, and an unknown file is the usual JSON 404.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createGatewayServer, type GatewayServer } from '../../gateway/server';
import { readSupergraph } from '../../gateway/supergraph-file';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { StartupError } from '../../lib/startup-error';

async function gatewayWith(graphiql: boolean | undefined): Promise<{ url: string; close(): Promise<void> }> {
  const gateway: GatewayServer = await createGatewayServer({
    supergraphSdl: readSupergraph(),
    // Never called: nothing here reaches a subgraph.
    subgraphUrls: {
      identity: 'http://127.0.0.1:9/graphql',
      rooms: 'http://127.0.0.1:9/graphql',
      consent: 'http://127.0.0.1:9/graphql',
    },
    subgraphTimeoutMs: 1000,
    pingRedis: async () => 'PONG',
    resolvePrincipal: async () => {
      throw new Error('not called');
    },
    sign: async () => 'unused',
    logger: createLogger('silent', 'graphiql-test'),
    protection: graphiql === undefined ? { introspection: true } : { introspection: true, graphiql },
  });
  const server: Server = await new Promise((resolve) => {
    const listening = gateway.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await gateway.stop();
    },
  };
}

describe('GraphiQL at /graphiql', () => {
  it('is not served by default', async () => {
    const gateway = await gatewayWith(undefined);
    try {
      const response = await fetch(`${gateway.url}/graphiql`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]?.extensions).toEqual({
        code: 'NOT_FOUND',
      });
    } finally {
      await gateway.close();
    }
  });

  it('when on, serves the page and every file it loads from the gateway itself, under a strict policy', async () => {
    const gateway = await gatewayWith(true);
    try {
      const response = await fetch(`${gateway.url}/graphiql`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("connect-src 'self'");
      const html = await response.text();
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
      expect(sources).toEqual([
        '/graphiql/graphiql.css',
        '/graphiql/react.js',
        '/graphiql/react-dom.js',
        '/graphiql/graphiql.js',
        '/graphiql/start.js',
      ]);
      // No inline script: the policy would block it.
      expect(html).not.toMatch(/<script>(?!<\/script>)/);
      for (const source of sources) {
        const file = await fetch(`${gateway.url}${source}`);
        expect([source, file.status]).toEqual([source, 200]);
        expect(file.headers.get('content-type')).toMatch(source.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
        const body = await file.text();
        expect(body.length).toBeGreaterThan(source.endsWith('start.js') ? 100 : 10_000);
        // Self-contained: no file pulls code or styles from elsewhere.
        expect(body).not.toMatch(/(?:src|href)=["']https?:\/\//);
        expect(body).not.toMatch(/@import\s+url\(["']?https?:/);
      }
      const unknown = await fetch(`${gateway.url}/graphiql/nothing.js`);
      expect(unknown.status).toBe(404);
    } finally {
      await gateway.close();
    }
  });

  it('is refused at start-up without introspection, which it needs', () => {
    expect(() => loadConfig({ GRAPHIQL: 'on' })).toThrow(StartupError);
    expect(() => loadConfig({ GRAPHIQL: 'on' })).toThrow(/GRAPHIQL: needs GRAPHQL_INTROSPECTION=on/);
    expect(loadConfig({ GRAPHIQL: 'on', GRAPHQL_INTROSPECTION: 'on' }).graphql.graphiql).toBe(true);
    expect(loadConfig({}).graphql.graphiql).toBe(false);
  });
});
