// Scenario 2: a room's timeline page across all three subgraphs (rooms:
// room and posts; identity: subject name and post authors; consent: the
// room's consent status). One request at a time, alternating: the gateway,
// then the same plan's fetches sent straight to the subgraphs (the critical
// path: Sequence adds, Parallel takes its slowest branch, its branches sent
// at once as the gateway sends them; and, as an info row, one after another:
// bench/query-plan.ts says why that floor is too low), then the session
// resolution the gateway does before planning. Right after that loop, in
// the same run and system, the checks this request now carries, alone
// (bench/scenarios/check-costs.ts): the care check identity (subject
// { name }) and consent (consentStatus) each run once per request, and the
// gateway's operation guard on this document; their p50s are set beside the
// gateway's. They run in a phase of their own, so the loop above is the
// same as before they existed: with a care check sent to the system process
// between the loop's requests, those requests measured slower (p50 48-52 ms
// against 35-36 ms without, in runs on this machine), which would have
// charged the checks twice. Separately, the SQL statements one gateway
// request costs at page sizes 10 and 50.
import { checkedRequest, percentile } from '../load';
import { executeDirect, planQuery } from '../query-plan';
import { explainCareQuery, operationGuardTimer } from './check-costs';
import { statementsPerRequest } from './statements';
import type { ScenarioContext, ScenarioResult } from './types';

export const timelineQuery = `query Timeline($r: ID!, $first: Int) {
  room(id: $r) {
    id
    title
    subject { name }
    consentStatus
    timeline(first: $first) { items { id category body createdAt author { name } } nextCursor }
  }
}`;

interface TimelineData {
  room: {
    subject: { name: string };
    consentStatus: string;
    timeline: { items: Array<{ author: { name: string } | null }> };
  } | null;
}

function checkPage(data: unknown, first: number, side: string): void {
  const room = (data as TimelineData).room;
  const items = room?.timeline.items ?? [];
  if (!room?.subject.name || !room.consentStatus || items.length !== first || !items.every((p) => p.author?.name)) {
    throw new Error(
      `${side}: the timeline page is incomplete (${items.length} of ${first} posts, or a missing subject, author or consent status)`,
    );
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

export async function fanOut(ctx: ScenarioContext): Promise<ScenarioResult> {
  const roomId = ctx.seeded.busyRoomIds[0]!;
  const variables = { r: roomId, first: 50 };
  const planned = planQuery(ctx.supergraphSdl, timelineQuery);
  ctx.log(`  query plan:\n${planned.pretty.replace(/^/gm, '    ')}`);
  const gateway = ctx.callers.gateway(timelineQuery, variables);
  const resolve = ctx.callers.resolvePrincipal();
  const gatewayHeaders = { 'content-type': 'application/json', ...(await gateway.headers()) };
  const resolveHeaders = async () => ({ 'content-type': 'application/json', ...(await resolve.headers()) });

  checkPage((await checkedRequest(gateway)).data, 50, 'gateway');
  checkPage((await executeDirect(planned, variables, ctx.callers.call)).data, 50, 'direct');
  const subjectId = ctx.seeded.busySubjectIds[0]!;
  const careSchemas = ['identity', 'consent'] as const;
  // An in-process hook (the all-in-one's own Prisma client and pool): the production topology's subgraph
  // processes run no bench code, so there the rows say so instead of measuring it elsewhere.
  const systemCareCheck = ctx.system.careCheck?.bind(ctx.system);
  const careCheck = async () => {
    if (!systemCareCheck) return [];
    const results = await systemCareCheck(ctx.callers.principal, subjectId, [...careSchemas]);
    const refused = results.filter((r) => !r.allowed).map((r) => r.schema);
    if (refused.length)
      throw new Error(
        `the bench user has no care relationship with the room's subject in ${refused.join(', ')} (is the seed's care_relationship missing?)`,
      );
    return results;
  };

  const samples = ctx.config.load.samples;
  const warmUp = Math.min(30, samples);
  const gatewayMs: number[] = [];
  const criticalMs: number[] = [];
  const oneByOneMs: number[] = [];
  const resolveMs: number[] = [];
  const fetchMs: number[][] = planned.fetches.map(() => []);
  const careMs: Record<(typeof careSchemas)[number], number[]> = { identity: [], consent: [] };
  const guardMs: number[] = [];
  const parseMs: number[] = [];
  let failures = 0;
  ctx.log(`  ${warmUp} warm-up and ${samples} measured iterations, one request at a time`);
  for (let i = 0; i < warmUp + samples; i += 1) {
    const [g, response] = await timed(async () => {
      const res = await fetch(gateway.url, { method: 'POST', headers: gatewayHeaders, body: gateway.body });
      return { status: res.status, text: await res.text() };
    });
    const direct = await executeDirect(planned, variables, ctx.callers.call);
    const oneByOne = await executeDirect(planned, variables, ctx.callers.call, 'one-by-one');
    const headers = await resolveHeaders();
    const [r] = await timed(async () =>
      (await fetch(resolve.url, { method: 'POST', headers, body: resolve.body })).text(),
    );
    if (i < warmUp) continue;
    if (response.status !== 200 || response.text.includes('"errors":')) failures += 1;
    gatewayMs.push(g);
    criticalMs.push(direct.criticalPathMs);
    oneByOneMs.push(oneByOne.criticalPathMs);
    resolveMs.push(r);
    direct.fetchMs.forEach((ms, k) => fetchMs[k]!.push(ms));
  }
  // The checks alone, with the same warm-up and number of samples as the loop above.
  const guard = operationGuardTimer(ctx.supergraphSdl);
  for (let i = 0; i < warmUp + samples; i += 1) {
    const care = await careCheck();
    const guarded = guard.time(timelineQuery, variables, 10);
    const parsed = guard.timeParse(timelineQuery, 10);
    if (i < warmUp) continue;
    for (const c of care) careMs[c.schema as keyof typeof careMs].push(c.ms);
    guardMs.push(...guarded);
    parseMs.push(...parsed);
  }
  const p = (values: number[], q: number) => percentile(values, q);
  const ratio = p(gatewayMs, 50) / p(criticalMs, 50);
  const withSession = p(criticalMs, 50) + p(resolveMs, 50);

  const statementsFor = (first: number) =>
    statementsPerRequest(ctx, ctx.callers.gateway(timelineQuery, { r: roomId, first }), (body) =>
      checkPage(body.data, first, `gateway (first: ${first})`),
    );
  const statements10 = await statementsFor(10);
  const statements50 = await statementsFor(50);
  const [sql10, sql50] = [statements10.count, statements50.count];
  const fetches = planned.fetches.map((f, k) => ({
    service: f.serviceName,
    p50: p(fetchMs[k]!, 50),
    p95: p(fetchMs[k]!, 95),
  }));
  for (const f of fetches)
    ctx.log(`  fetch ${f.service.padEnd(8)} p50 ${f.p50.toFixed(2)} ms  p95 ${f.p95.toFixed(2)} ms`);
  ctx.log(
    `  session resolution p50 ${p(resolveMs, 50).toFixed(2)} ms; SQL statements per page: ${sql10} (10 posts), ${sql50} (50 posts)`,
  );
  const explained = Object.fromEntries(
    await Promise.all(
      careSchemas.map(
        async (schema) =>
          [schema, await explainCareQuery(ctx.databaseUrl, schema, subjectId, ctx.callers.principal)] as const,
      ),
    ),
  ) as Record<(typeof careSchemas)[number], Awaited<ReturnType<typeof explainCareQuery>>>;
  const gatewayP50 = p(gatewayMs, 50);
  const share = (ms: number) => `${((100 * ms) / gatewayP50).toFixed(1)}% of the gateway's p50`;
  for (const schema of systemCareCheck ? careSchemas : []) {
    ctx.log(
      `  care check in ${schema.padEnd(8)} p50 ${p(careMs[schema], 50).toFixed(2)} ms  p95 ${p(careMs[schema], 95).toFixed(2)} ms (PostgreSQL executes it in ${explained[schema].executionMs.toFixed(3)} ms)`,
    );
  }
  ctx.log(`  operation guard p50 ${p(guardMs, 50).toFixed(3)} ms (parse alone ${p(parseMs, 50).toFixed(3)} ms)`);
  const careRow = (schema: (typeof careSchemas)[number], what: string) => {
    const row = {
      scenario: '2 fan-out (timeline, 50 posts)',
      measure: `care check p50 (${schema})`,
      subject: 'careLoader, 1 subject',
      baseline: 'gateway p50',
      subjectValue: p(careMs[schema], 50),
      baselineValue: gatewayP50,
      unit: 'ms',
      ratio: p(careMs[schema], 50) / gatewayP50,
      note: `${share(p(careMs[schema], 50))}; once per request for ${what}; PostgreSQL executes it in ${explained[schema].executionMs.toFixed(2)} ms`,
    };
    if (systemCareCheck) return row;
    return {
      ...row,
      subjectValue: null,
      ratio: null,
      note: `— only measurable in the all-in-one process (an in-process hook); PostgreSQL executes it in ${explained[schema].executionMs.toFixed(2)} ms`,
    };
  };

  const common = { scenario: '2 fan-out (timeline, 50 posts)', subject: 'gateway' };
  return {
    name: 'fan-out',
    rows: [
      {
        ...common,
        measure: 'latency p50',
        baseline: 'subgraph critical path',
        subjectValue: p(gatewayMs, 50),
        baselineValue: p(criticalMs, 50),
        unit: 'ms',
        ratio,
        target: '<= 1.3x',
        met: failures ? null : ratio <= 1.3,
        note: failures ? `${failures} failed responses` : undefined,
      },
      {
        ...common,
        measure: 'latency p95',
        baseline: 'subgraph critical path',
        subjectValue: p(gatewayMs, 95),
        baselineValue: p(criticalMs, 95),
        unit: 'ms',
        ratio: p(gatewayMs, 95) / p(criticalMs, 95),
      },
      {
        ...common,
        measure: 'latency p50 (info)',
        baseline: 'critical path, parallel branches one by one',
        subjectValue: p(gatewayMs, 50),
        baselineValue: p(oneByOneMs, 50),
        unit: 'ms',
        ratio: p(gatewayMs, 50) / p(oneByOneMs, 50),
        note: 'the baseline before 2026-12-06: each branch alone on the machine, a floor no executor reaches here',
      },
      {
        ...common,
        measure: 'latency p50 (info)',
        baseline: 'critical path + session resolution',
        subjectValue: p(gatewayMs, 50),
        baselineValue: withSession,
        unit: 'ms',
        ratio: p(gatewayMs, 50) / withSession,
        note: 'the gateway resolves the session at identity before planning',
      },
      {
        scenario: common.scenario,
        measure: 'SQL statements per request',
        subject: 'page of 50',
        baseline: 'page of 10',
        subjectValue: sql50,
        baselineValue: sql10,
        unit: 'statements',
        ratio: sql50 / sql10,
        target: 'constant',
        met: sql50 === sql10,
      },
      careRow('identity', 'subject { name }'),
      careRow('consent', 'consentStatus'),
      {
        ...common,
        measure: 'operation guard p50 (in-process)',
        subject: 'parse + limits, this query',
        baseline: 'gateway p50',
        subjectValue: p(guardMs, 50),
        baselineValue: gatewayP50,
        unit: 'ms',
        ratio: p(guardMs, 50) / gatewayP50,
        note: `${share(p(guardMs, 50))}; parse alone ${p(parseMs, 50).toFixed(3)} ms`,
      },
    ],
    details: {
      query: timelineQuery,
      plan: planned.pretty,
      samples,
      failures,
      fetches,
      sessionResolution: { p50: p(resolveMs, 50), p95: p(resolveMs, 95) },
      statements: { first10: statements10, first50: statements50 },
      careCheck: Object.fromEntries(
        careSchemas.map((schema) => [
          schema,
          {
            p50: p(careMs[schema], 50),
            p95: p(careMs[schema], 95),
            samples: careMs[schema].length,
            explain: explained[schema],
          },
        ]),
      ),
      operationGuard: {
        p50: p(guardMs, 50),
        p95: p(guardMs, 95),
        parseP50: p(parseMs, 50),
        parseP95: p(parseMs, 95),
        samples: guardMs.length,
      },
    },
  };
}
