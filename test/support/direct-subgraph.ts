// A subgraph reached straight, not through the gateway: a second instance of
// identity or rooms over the test system's database, verifying internal
// tokens with a key pair this helper holds, so a test can send what a caller
// who got past the gateway (or a compromised network path) could send, with a
// valid internal token for a real user's real session.
import { randomUUID } from 'node:crypto';
import {
  generateInternalKeyPair,
  internalTokenHeader,
  internalTokenSigner,
  internalTokenVerifier,
} from '../../lib/access/internal-token';
import type { UserPrincipal } from '../../lib/access/principal';
import { listen, type RunningServer } from '../../lib/http-server';
import type { SubgraphServer } from '../../lib/subgraph-server';
import { createIdentityServer } from '../../subgraphs/identity/server';
import { createRoomsServer } from '../../subgraphs/rooms/server';
import type { Actor } from './actors';
import type { GraphQLResponse } from './graphql-client';
import { silentLogger } from './silent-logger';
import type { TestSystem } from './test-system';

export interface DirectSubgraph {
  /** Posts to the subgraph's /graphql as `actor` (its role and facility as identity holds them), with an internal token for its latest session. */
  as(
    actor: Actor,
  ): (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Record<string, any>>>;
  close(): Promise<void>;
}

export async function directSubgraph(t: TestSystem, name: 'identity' | 'rooms'): Promise<DirectSubgraph> {
  const keys = await generateInternalKeyPair();
  const verifyToken = await internalTokenVerifier(keys.publicKeyPem);
  const sign = await internalTokenSigner(keys.privateKeyPem);
  const server: SubgraphServer =
    name === 'identity'
      ? await createIdentityServer({ db: t.db, logger: silentLogger, verifyToken, ca: t.ca, settings: t.settings })
      : await createRoomsServer({ db: t.db, logger: silentLogger, verifyToken });
  const http: RunningServer = await listen(server.app, '127.0.0.1', 0, `a direct ${name} subgraph`);
  return {
    as:
      (actor) =>
      async (query, variables = {}) => {
        const user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: actor.userId } });
        const session = await t.db.prisma.session.findFirst({
          where: { userId: actor.userId },
          orderBy: { createdAt: 'desc' },
        });
        const principal: UserPrincipal = {
          kind: 'user',
          userId: actor.userId,
          role: user.role,
          facilityId: user.facilityId,
          orgUnitId: user.orgUnitId,
          sessionId: session?.id ?? randomUUID(),
          mustChangePassword: false,
          certificate: null,
          address: '127.0.0.1',
        };
        const response = await fetch(`${http.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [internalTokenHeader]: await sign(principal) },
          body: JSON.stringify({ query, variables }),
        });
        return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
      },
    close: async () => {
      await http.close();
      await server.stop();
    },
  };
}
