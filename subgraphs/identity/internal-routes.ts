// Identity's internal endpoint for the gateway: on every request the
// gateway asks who the caller is (session token + the certificate the
// gateway verified) and whether the system is restricted. Only the gateway,
// with its signed service token, may call it.
import express from 'express';
import { z } from 'zod';
import { internalTokenHeader, type VerifyInternalToken } from '../../lib/access/internal-token';
import type { Principal } from '../../lib/access/principal';
import type { IdentityDependencies } from './context';
import { resolveSession } from './services/session-service';
import { currentRestriction } from './services/system-admin-service';

export const resolvePrincipalPath = '/internal/resolve-principal';

const request = z.object({
  token: z.string().min(1).max(200).nullable(),
  certificate: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  address: z.string().max(100).nullable(),
});

export interface ResolvedPrincipal {
  principal: Principal;
  /** Set when a token was presented but cannot be used (expired, ended, other certificate...). */
  sessionProblem: string | null;
  expiresAt: string | null;
  /** scheduledEndAt: the announced end (ISO-8601), or null when it lasts until lifted. */
  restriction: { scope: string; operations: string[]; message: string; scheduledEndAt: string | null } | null;
}

export function identityInternalRoutes(deps: IdentityDependencies, verifyToken: VerifyInternalToken) {
  return (app: express.Express) => {
    app.post(resolvePrincipalPath, express.json({ limit: '4kb' }), async (req, res, next) => {
      try {
        const caller = await verifyToken(String(req.headers[internalTokenHeader] ?? '')).catch(() => null);
        if (caller?.kind !== 'service') {
          res.status(401).json({ error: 'gateway only' });
          return;
        }
        const parsed = request.safeParse(req.body);
        if (!parsed.success) {
          res.status(400).json({ error: 'malformed request' });
          return;
        }
        const { token, certificate, address } = parsed.data;
        const anonymous: Principal = { kind: 'anonymous', certificate, address };
        // Independent reads on every request: in parallel.
        const [restriction, session] = await Promise.all([
          currentRestriction(deps.db, deps.now()),
          token ? resolveSession(deps, token, certificate, address) : null,
        ]);
        const body: ResolvedPrincipal = {
          principal: session?.ok ? session.principal : anonymous,
          sessionProblem: session && !session.ok ? session.reason : null,
          expiresAt: session?.ok ? session.expiresAt.toISOString() : null,
          restriction: restriction
            ? {
                scope: restriction.scope,
                operations: restriction.operations,
                message: restriction.message,
                scheduledEndAt: restriction.scheduledEndAt?.toISOString() ?? null,
              }
            : null,
        };
        res.json(body);
      } catch (error) {
        next(error);
      }
    });
  };
}
