// Scenario 1: what the gateway hop costs. A query only the rooms subgraph
// answers, through the gateway (session resolved at identity, plan, one
// fetch) and straight to rooms with the internal token the gateway would
// send, at the same fixed concurrency. The two sides alternate round by
// round so both see the same machine; the table shows the medians. Right
// after the one-at-a-time blocks, the gateway's operation guard on the same
// document and the rate limits it would check (bench/scenarios/check-costs.ts)
// are timed alone, in a phase of their own so the blocks measure what they
// measured before these checks existed. A third side is the same gateway
// without the principal cache (it asks identity on every request), so the
// cache's effect is measured in the same run. The one-at-a-time blocks also
// time rooms through a pass-through proxy (bench/pass-through-proxy.ts, a
// process of its own): the floor any process between caller and rooms adds.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { autocannonRun, checkedRequest, median, percentile, sequentialLatencies, type LoadResult } from '../load';
import { planQuery } from '../query-plan';
import { operationGuardTimer, rateLimitTimer } from './check-costs';
import { statementsPerRequest } from './statements';
import type { ScenarioContext, ScenarioResult } from './types';

type Side = 'gateway' | 'direct' | 'session' | 'uncached';

export const hopQuery = 'query Hop($r: ID!) { room(id: $r) { id title status openedAt } }';

export async function gatewayHop(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { connections, durationSeconds, rounds } = ctx.config.load;
  const roomId = ctx.seeded.busyRoomIds[0]!;
  const planned = planQuery(ctx.supergraphSdl, hopQuery);
  const only = planned.fetches[0];
  if (planned.fetches.length !== 1 || only?.serviceName !== 'rooms')
    throw new Error(`the hop query must be one rooms fetch:\n${planned.pretty}`);
  const sides = {
    gateway: ctx.callers.gateway(hopQuery, { r: roomId }),
    direct: ctx.callers.subgraph('rooms', only.operation, { r: roomId }),
    session: ctx.callers.resolvePrincipal(),
    uncached: ctx.callers.uncachedGateway(hopQuery, { r: roomId }),
  };
  await checkedRequest(sides.uncached);
  await checkedRequest(sides.gateway);
  await checkedRequest(sides.direct);
  await checkedRequest(sides.session);
  ctx.log(`  warm-up (${connections} connections, 2 s each side)`);
  await autocannonRun(sides.gateway, { connections, durationSeconds: 2 });
  await autocannonRun(sides.direct, { connections, durationSeconds: 2 });

  const runs: Record<Side, LoadResult[]> = { gateway: [], direct: [], session: [], uncached: [] };
  for (let round = 0; round < rounds; round += 1) {
    const order =
      round % 2 === 0
        ? (['gateway', 'direct', 'session', 'uncached'] as const)
        : (['uncached', 'session', 'direct', 'gateway'] as const);
    for (const side of order) {
      const result = await autocannonRun(sides[side], { connections, durationSeconds });
      runs[side].push(result);
      ctx.log(
        `  round ${round + 1} ${side.padEnd(7)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p95 ${result.p95.toFixed(2)} ms  failures ${result.failures}`,
      );
    }
  }
  // One request at a time, alternating in blocks of ten: the hop's own cost, without queueing.
  // `{ __typename }` through the gateway resolves the session but fetches from no subgraph,
  // which splits the added latency into session resolution, the gateway itself and its fetch.
  const proxy = await startPassThroughProxy(new URL(sides.direct.url).origin);
  const unloadedSides = {
    ...sides,
    gatewayNoFetch: ctx.callers.gateway('{ __typename }', {}),
    proxied: { ...sides.direct, url: proxy.url(sides.direct.url) },
  };
  const unloaded: Record<keyof typeof unloadedSides, number[]> = {
    gateway: [],
    direct: [],
    session: [],
    uncached: [],
    gatewayNoFetch: [],
    proxied: [],
  };
  try {
    await checkedRequest(unloadedSides.proxied);
    for (let i = 0; i < ctx.config.load.samples; i += 10) {
      for (const side of Object.keys(unloadedSides) as Array<keyof typeof unloadedSides>) {
        const { latencies, failures: failed } = await sequentialLatencies(unloadedSides[side], 10);
        if (failed) throw new Error(`${side}: ${failed} of 10 unloaded requests failed`);
        unloaded[side].push(...latencies);
      }
    }
  } finally {
    await proxy.stop();
  }
  const guard = operationGuardTimer(ctx.supergraphSdl);
  const rateLimits = await rateLimitTimer(ctx.redisUrl, `${ctx.queuePrefix}:rate-limit`, ctx.callers.principal);
  const checks = { guard: [] as number[], parse: [] as number[], rateLimits: [] as number[] };
  try {
    guard.time(hopQuery, { r: roomId }, 200);
    guard.timeParse(hopQuery, 200);
    await rateLimits.time(20);
    for (let i = 0; i < ctx.config.load.samples; i += 10) {
      checks.guard.push(...guard.time(hopQuery, { r: roomId }, 10));
      checks.parse.push(...guard.timeParse(hopQuery, 10));
      checks.rateLimits.push(...(await rateLimits.time(10)));
    }
  } finally {
    await rateLimits.close();
  }
  const unloadedP50 = Object.fromEntries(
    Object.entries(unloaded).map(([side, values]) => [side, median(values)]),
  ) as Record<keyof typeof unloadedSides, number>;
  const checksP50 = { guard: median(checks.guard), parse: median(checks.parse), rateLimits: median(checks.rateLimits) };
  const addedUnloaded = unloadedP50.gateway - unloadedP50.direct;
  const share = (ms: number) =>
    `${((100 * ms) / unloadedP50.gateway).toFixed(1)}% of the gateway's p50, ${((100 * ms) / addedUnloaded).toFixed(1)}% of the ${addedUnloaded.toFixed(1)} ms it adds`;
  ctx.log(
    `  one at a time (p50): gateway ${unloadedP50.gateway.toFixed(2)} ms, rooms direct ${unloadedP50.direct.toFixed(2)} ms, ` +
      `session resolution ${unloadedP50.session.toFixed(2)} ms, gateway with no subgraph fetch ${unloadedP50.gatewayNoFetch.toFixed(2)} ms, ` +
      `gateway without the principal cache ${unloadedP50.uncached.toFixed(2)} ms, rooms through a pass-through proxy ${unloadedP50.proxied.toFixed(2)} ms`,
  );
  ctx.log(
    `  in-process (p50): operation guard ${checksP50.guard.toFixed(3)} ms (parse alone ${checksP50.parse.toFixed(3)} ms); rate-limit check ${checksP50.rateLimits.toFixed(3)} ms`,
  );
  const sql = {
    gateway: await statementsPerRequest(ctx, sides.gateway),
    direct: await statementsPerRequest(ctx, sides.direct),
    session: await statementsPerRequest(ctx, sides.session),
  };
  ctx.log(
    `  SQL statements per request: gateway ${sql.gateway.count}, rooms direct ${sql.direct.count}, session resolution ${sql.session.count}`,
  );
  const m = (side: Side, key: 'requestsPerSecond' | 'p50' | 'p95') => median(runs[side].map((r) => r[key]));
  const failures = [...runs.gateway, ...runs.direct, ...runs.session, ...runs.uncached].reduce(
    (sum, r) => sum + r.failures,
    0,
  );
  const throughputRatio = m('gateway', 'requestsPerSecond') / m('direct', 'requestsPerSecond');
  const addedP50 = m('gateway', 'p50') - m('direct', 'p50');
  const addedP95 = m('gateway', 'p95') - m('direct', 'p95');
  const common = { scenario: '1 gateway hop', subject: 'gateway', baseline: 'rooms direct' };
  const failureNote = failures ? `${failures} failed responses` : undefined;
  return {
    name: 'gateway-hop',
    rows: [
      {
        ...common,
        measure: `throughput, ${connections} connections`,
        subjectValue: m('gateway', 'requestsPerSecond'),
        baselineValue: m('direct', 'requestsPerSecond'),
        unit: 'req/s',
        ratio: throughputRatio,
        target: '>= 0.5x',
        met: failures ? null : throughputRatio >= 0.5,
        note: failureNote,
      },
      {
        ...common,
        measure: `latency p50 (added), ${connections} conn.`,
        subjectValue: m('gateway', 'p50'),
        baselineValue: m('direct', 'p50'),
        unit: 'ms',
        ratio: addedP50,
        difference: true,
        target: '<= +10 ms',
        met: failures ? null : addedP50 <= 10,
      },
      {
        ...common,
        measure: 'latency p50 (added), 1 at a time',
        subjectValue: unloadedP50.gateway,
        baselineValue: unloadedP50.direct,
        unit: 'ms',
        ratio: unloadedP50.gateway - unloadedP50.direct,
        difference: true,
        target: '<= +2 ms',
        met: unloadedP50.gateway - unloadedP50.direct <= 2,
        note: `session resolution when identity is asked ${unloadedP50.session.toFixed(1)} ms (reused up to 1 s); { __typename } via gateway ${unloadedP50.gatewayNoFetch.toFixed(1)} ms`,
      },
      {
        ...common,
        measure: 'latency p50 (added), 1 at a time (info)',
        subject: 'rooms via a pass-through proxy',
        subjectValue: unloadedP50.proxied,
        baselineValue: unloadedP50.direct,
        unit: 'ms',
        ratio: unloadedP50.proxied - unloadedP50.direct,
        difference: true,
        note: `the floor: a process that only passes requests on (bench/pass-through-proxy.ts); the gateway adds ${(unloadedP50.gateway - unloadedP50.proxied).toFixed(1)} ms more`,
      },
      {
        ...common,
        measure: `latency p95 (added), ${connections} conn.`,
        subjectValue: m('gateway', 'p95'),
        baselineValue: m('direct', 'p95'),
        unit: 'ms',
        ratio: addedP95,
        difference: true,
      },
      {
        ...common,
        measure: `throughput, ${connections} conn. (info)`,
        subject: 'gateway',
        baseline: 'gateway, no principal cache',
        subjectValue: m('gateway', 'requestsPerSecond'),
        baselineValue: m('uncached', 'requestsPerSecond'),
        unit: 'req/s',
        ratio: m('gateway', 'requestsPerSecond') / m('uncached', 'requestsPerSecond'),
        note: `what reusing a resolved session for up to 1 s changes; without it the gateway is ${(m('uncached', 'requestsPerSecond') / m('direct', 'requestsPerSecond')).toFixed(2)}x rooms direct`,
      },
      {
        ...common,
        measure: 'latency p50, 1 at a time (info)',
        subject: 'gateway',
        baseline: 'gateway, no principal cache',
        subjectValue: unloadedP50.gateway,
        baselineValue: unloadedP50.uncached,
        unit: 'ms',
        ratio: unloadedP50.gateway - unloadedP50.uncached,
        difference: true,
        note: `without the cache the gateway adds ${(unloadedP50.uncached - unloadedP50.direct).toFixed(1)} ms to rooms direct`,
      },
      {
        ...common,
        measure: 'throughput (info)',
        subject: 'session resolution alone',
        subjectValue: m('session', 'requestsPerSecond'),
        baselineValue: m('direct', 'requestsPerSecond'),
        unit: 'req/s',
        ratio: m('session', 'requestsPerSecond') / m('direct', 'requestsPerSecond'),
        note: `identity's internal call the gateway makes first; p50 ${m('session', 'p50').toFixed(2)} ms`,
      },
      {
        ...common,
        measure: 'operation guard p50 (in-process)',
        subject: 'parse + limits, this query',
        baseline: 'gateway p50, 1 at a time',
        subjectValue: checksP50.guard,
        baselineValue: unloadedP50.gateway,
        unit: 'ms',
        ratio: checksP50.guard / unloadedP50.gateway,
        note: `${share(checksP50.guard)}; parse alone ${checksP50.parse.toFixed(3)} ms`,
      },
      {
        ...common,
        measure: 'rate-limit check p50 (info)',
        subject: 'certificate + session (Redis)',
        baseline: 'gateway p50, 1 at a time',
        subjectValue: checksP50.rateLimits,
        baselineValue: unloadedP50.gateway,
        unit: 'ms',
        ratio: checksP50.rateLimits / unloadedP50.gateway,
        note: 'not in the gateway numbers: the bench runs both topologies without rate limits (all-in-one: startSystem adds them only when given; production: RATE_LIMIT_*=0)',
      },
    ],
    details: {
      query: hopQuery,
      plan: planned.pretty,
      connections,
      durationSeconds,
      runs,
      unloaded: { p50: unloadedP50, samples: unloaded.gateway.length },
      statements: sql,
      checks: {
        operationGuard: {
          p50: checksP50.guard,
          p95: percentile(checks.guard, 95),
          parseP50: checksP50.parse,
          samples: checks.guard.length,
        },
        rateLimits: {
          p50: checksP50.rateLimits,
          p95: percentile(checks.rateLimits, 95),
          samples: checks.rateLimits.length,
          consumesPerCheck: 2,
        },
      },
    },
  };
}

/** bench/pass-through-proxy.ts as a process of its own, in front of `upstream`. */
async function startPassThroughProxy(upstream: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, '..', 'pass-through-proxy.ts'), upstream],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env.PATH ?? '' },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the pass-through proxy did not start in 20 s')), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the pass-through proxy exited (${code})`));
    });
  });
  return {
    url: (target: string) => {
      const u = new URL(target);
      return `http://127.0.0.1:${port}${u.pathname}${u.search}`;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
