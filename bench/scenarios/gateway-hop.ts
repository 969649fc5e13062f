// Scenario 1: what the gateway hop costs. A query only the rooms subgraph
// answers, through the gateway (session resolved at identity, plan, one
// fetch) and straight to rooms with the internal token the gateway would
// send, at the same fixed concurrency. The two sides alternate round by
// round so both see the same machine; the table shows the medians.
import { autocannonRun, checkedRequest, median, type LoadResult } from '../load';
import { planQuery } from '../query-plan';
import type { ScenarioContext, ScenarioResult } from './types';

export const hopQuery = 'query Hop($r: ID!) { room(id: $r) { id title status openedAt } }';

export async function gatewayHop(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { connections, durationSeconds, rounds } = ctx.config.load;
  const roomId = ctx.seeded.busyRoomIds[0]!;
  const planned = planQuery(ctx.supergraphSdl, hopQuery);
  const only = planned.fetches[0];
  if (planned.fetches.length !== 1 || only?.serviceName !== 'rooms') throw new Error(`the hop query must be one rooms fetch:\n${planned.pretty}`);
  const sides = {
    gateway: ctx.callers.gateway(hopQuery, { r: roomId }),
    direct: ctx.callers.subgraph('rooms', only.operation, { r: roomId }),
  };
  await checkedRequest(sides.gateway);
  await checkedRequest(sides.direct);
  ctx.log(`  warm-up (${connections} connections, 2 s each side)`);
  await autocannonRun(sides.gateway, { connections, durationSeconds: 2 });
  await autocannonRun(sides.direct, { connections, durationSeconds: 2 });

  const runs: Record<'gateway' | 'direct', LoadResult[]> = { gateway: [], direct: [] };
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? (['gateway', 'direct'] as const) : (['direct', 'gateway'] as const);
    for (const side of order) {
      const result = await autocannonRun(sides[side], { connections, durationSeconds });
      runs[side].push(result);
      ctx.log(`  round ${round + 1} ${side.padEnd(7)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p95 ${result.p95.toFixed(2)} ms  failures ${result.failures}`);
    }
  }
  const m = (side: 'gateway' | 'direct', key: 'requestsPerSecond' | 'p50' | 'p95') => median(runs[side].map((r) => r[key]));
  const failures = [...runs.gateway, ...runs.direct].reduce((sum, r) => sum + r.failures, 0);
  const throughputRatio = m('gateway', 'requestsPerSecond') / m('direct', 'requestsPerSecond');
  const addedP50 = m('gateway', 'p50') - m('direct', 'p50');
  const addedP95 = m('gateway', 'p95') - m('direct', 'p95');
  const common = { scenario: '1 gateway hop', subject: 'gateway', baseline: 'rooms direct' };
  const failureNote = failures ? `${failures} failed responses` : undefined;
  return {
    name: 'gateway-hop',
    rows: [
      { ...common, measure: `throughput, ${connections} connections`, subjectValue: m('gateway', 'requestsPerSecond'), baselineValue: m('direct', 'requestsPerSecond'), unit: 'req/s', ratio: throughputRatio, target: '>= 0.5x', met: failures ? null : throughputRatio >= 0.5, note: failureNote },
      { ...common, measure: 'latency p50 (added)', subjectValue: m('gateway', 'p50'), baselineValue: m('direct', 'p50'), unit: 'ms', ratio: addedP50, difference: true, target: '<= +2 ms', met: failures ? null : addedP50 <= 2 },
      { ...common, measure: 'latency p95 (added)', subjectValue: m('gateway', 'p95'), baselineValue: m('direct', 'p95'), unit: 'ms', ratio: addedP95, difference: true },
    ],
    details: { query: hopQuery, plan: planned.pretty, connections, durationSeconds, runs },
  };
}
