// What the per-request checks added with need to know and the gateway
// guards cost on their own, for scenarios 1 and 2 to set beside the latency
// they measure in the same loop:
// - the operation guard (gateway/operation-guard.ts: persisted-operations
//   mode, then parse with the token limit and one walk for depth, aliases,
//   cost...), called here in-process on the same API schema the gateway
//   derives from the supergraph. Apollo caches its own parse and validation
//   per query text; the guard parses every request, so all of it is added.
// - the care check (lib/access/care-relationship-view.ts careLoader), run
//   in the system process (bench/system-child.ts) as a subgraph runs it;
//   the query's own plan and execution time come from EXPLAIN ANALYZE.
// - the rate limits (gateway/rate-limits.ts), which the bench's system runs
//   without (startSystem adds them only when given): timed here against the
//   same Redis, as the gateway would call them with a client certificate
//   and a session (two consumes, one after the other).
import { Supergraph } from '@apollo/federation-internals';
import type { Request, Response } from 'express';
import { Client } from 'pg';
import { defaultOperationLimits, defaultRateLimits } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { connectRedis } from '../../lib/redis';
import type { CareSchema } from '../../lib/access/care-relationship-view';
import type { UserPrincipal } from '../../lib/access/principal';
import { operationGuard } from '../../gateway/operation-guard';
import { persistedOperationsOff } from '../../gateway/persisted-operations';
import { createRateLimiter } from '../../gateway/rate-limits';
import { parse } from 'graphql';

export interface GuardTimer {
  /** `count` guard runs on one operation, each timed (ms); fails if the guard refuses it. */
  time(query: string, variables: Record<string, unknown>, count: number): number[];
  /** The same, for graphql-js's parse alone (with the guard's options): how much of the guard is parsing. */
  timeParse(query: string, count: number): number[];
}

export function operationGuardTimer(supergraphSdl: string): GuardTimer {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const guard = operationGuard({
    schema,
    limits: defaultOperationLimits,
    persisted: persistedOperationsOff,
    logger: createLogger('silent', 'renkei-bench'),
  });
  return {
    time(query, variables, count) {
      const out: number[] = [];
      for (let i = 0; i < count; i += 1) {
        // A new body each time, as express.json() gives each request (the guard rewrites it).
        const req = { body: { query, variables } } as unknown as Request;
        const res = { locals: {}, status: () => res, json: () => res, setHeader: () => res } as unknown as Response;
        let passed = false;
        const t0 = performance.now();
        guard(req, res, () => {
          passed = true;
        });
        out.push(performance.now() - t0);
        if (!passed) throw new Error('the operation guard refused a bench operation');
      }
      return out;
    },
    timeParse(query, count) {
      const out: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const t0 = performance.now();
        parse(query, { maxTokens: defaultOperationLimits.maxTokens, noLocation: true });
        out.push(performance.now() - t0);
      }
      return out;
    },
  };
}

/** The care check's SQL (relationshipsOf) under EXPLAIN ANALYZE, on the bench database: its plan and PostgreSQL's own execution time. */
export async function explainCareQuery(
  databaseUrl: string,
  schema: CareSchema,
  subjectId: string,
  caller: UserPrincipal,
): Promise<{ plan: string[]; executionMs: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sql = `EXPLAIN (ANALYZE, BUFFERS) SELECT subject_id::text AS subject_id, holder_kind, holder_id::text AS holder_id, basis, until
      FROM ${schema}.care_relationship
      WHERE subject_id = ANY($1::uuid[]) AND (holder_id = $2::uuid OR holder_id = $3::uuid OR holder_kind = 'DECIDERS')`;
    const params = [[subjectId], caller.userId, caller.facilityId];
    await client.query(sql, params);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(sql, params);
    const plan = rows.map((r) => r['QUERY PLAN']);
    const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1] ?? NaN);
    return { plan, executionMs };
  } finally {
    await client.end();
  }
}

export interface RateLimitTimer {
  time(count: number): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * The gateway's rate-limit step on the bench's Redis, under the run's queue
 * prefix (removed with the queues at the end). The limits are raised so
 * every sample takes the same path (a consume that passes); the work per
 * consume does not depend on the limit.
 */
export async function rateLimitTimer(
  redisUrl: string,
  keyPrefix: string,
  principal: UserPrincipal,
): Promise<RateLimitTimer> {
  const redis = connectRedis(redisUrl);
  await redis.connect();
  const big = 1_000_000_000;
  const limiter = createRateLimiter(
    redis,
    { ...defaultRateLimits, sessionPerMinute: big, certificatePerMinute: big },
    keyPrefix,
  );
  const keys = { session: principal.sessionId, certificate: 'bench-certificate-fingerprint', signInAddress: null };
  return {
    async time(count) {
      const out: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const t0 = performance.now();
        const decision = await limiter.check(keys);
        out.push(performance.now() - t0);
        if (!decision.ok) throw new Error(`the rate limiter refused a bench sample (${decision.limit})`);
      }
      return out;
    },
    close: async () => void (await redis.quit()),
  };
}
