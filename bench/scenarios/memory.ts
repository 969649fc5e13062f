// Scenario 4: the memory of the whole system process (gateway, subgraphs,
// workers in one process, as npm start runs them) under the timeline load;
// in the production topology, the sum over its five processes, each also
// kept on its own in the JSON. Measured from outside, /proc/<pid>/status:
// VmRSS sampled every 100 ms while autocannon drives timeline pages through
// the gateway, and VmHWM, the kernel's own peak since the process started
// (summed over processes, an upper bound: they need not peak together). PostgreSQL's
// view is sampled alongside (pg_stat_activity): how many of the system's
// connections were busy, and how many waited on a lock, which shows whether
// the access records' chain lock (one advisory lock per chain) serializes
// concurrent timeline reads.
import { Client } from 'pg';
import { autocannonRun } from '../load';
import { timelineQuery } from './fan-out';
import type { ScenarioContext, ScenarioResult } from './types';

const mb = (bytes: number) => bytes / (1024 * 1024);

export async function memoryUnderTimelineLoad(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { connections, durationSeconds, rounds } = ctx.config.load;
  const duration = durationSeconds * rounds;
  // Every busy room in turn would need one target per room; one room keeps the load comparable with scenario 2.
  const target = ctx.callers.gateway(timelineQuery, { r: ctx.seeded.busyRoomIds[0]!, first: 50 });
  const before = ctx.system.memory();
  let peakSampled = before.rssBytes;
  const peakSampledPerProcess: Record<string, number> = {};
  // One sample a second is kept, to tell a plateau (heap sized to the load) from steady growth (a leak).
  const perSecondMb: number[] = [];
  let ticks = 0;
  const sampler = setInterval(() => {
    const now = ctx.system.memory();
    const rss = now.rssBytes;
    peakSampled = Math.max(peakSampled, rss);
    for (const [name, m] of Object.entries(now.processes ?? {}))
      peakSampledPerProcess[name] = Math.max(peakSampledPerProcess[name] ?? 0, m.rssBytes);
    if (ticks++ % 10 === 0) perSecondMb.push(Math.round(mb(rss)));
  }, 100);
  const pg = new Client({ connectionString: ctx.databaseUrl });
  await pg.connect();
  const activity: Array<{ active: number; lockWaits: number; advisory: number }> = [];
  let sampling = true;
  const sampleActivity = (async () => {
    while (sampling) {
      const { rows } = await pg.query<{ active: string; lock_waits: string; advisory: string }>(
        `SELECT count(*) FILTER (WHERE state = 'active') AS active, count(*) FILTER (WHERE wait_event_type = 'Lock') AS lock_waits,
                count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory') AS advisory
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      activity.push({
        active: Number(rows[0]?.active ?? 0),
        lockWaits: Number(rows[0]?.lock_waits ?? 0),
        advisory: Number(rows[0]?.advisory ?? 0),
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  let load;
  try {
    load = await autocannonRun(target, { connections, durationSeconds: duration });
  } finally {
    clearInterval(sampler);
    sampling = false;
    await sampleActivity.catch(() => undefined);
    await pg.end();
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const database = {
    samples: activity.length,
    meanActiveStatements: mean(activity.map((a) => a.active)),
    meanLockWaiters: mean(activity.map((a) => a.lockWaits)),
    maxLockWaiters: Math.max(0, ...activity.map((a) => a.lockWaits)),
    meanAdvisoryLockWaiters: mean(activity.map((a) => a.advisory)),
  };
  const after = ctx.system.memory();
  ctx.log(
    `  PostgreSQL (${database.samples} samples): ${database.meanActiveStatements.toFixed(2)} statements running on average, ${database.meanLockWaiters.toFixed(2)} waiting on a lock (at most ${database.maxLockWaiters}; ${database.meanAdvisoryLockWaiters.toFixed(2)} on the access records' advisory lock)`,
  );
  ctx.log(
    `  ${load.requestsPerSecond.toFixed(0)} timeline pages/s for ${duration} s (${connections} connections, ${load.failures} failures); RSS ${mb(before.rssBytes).toFixed(0)} MB before, peak ${mb(peakSampled).toFixed(0)} MB, VmHWM ${mb(after.peakRssBytes).toFixed(0)} MB`,
  );
  const allInOne = ctx.topology === 'all-in-one';
  const scenario = allInOne ? '4 memory (all-in-one process)' : '4 memory (sum of 5 processes)';
  const perProcess = Object.entries(peakSampledPerProcess)
    .map(([name, bytes]) => `${name} ${mb(bytes).toFixed(0)}`)
    .join(', ');
  if (perProcess) ctx.log(`  peak RSS per process (MB): ${perProcess}`);
  return {
    name: 'memory',
    rows: [
      {
        scenario,
        measure: `peak RSS, timeline load ${connections} conn.`,
        subject: 'under load',
        baseline: 'before load',
        subjectValue: mb(peakSampled),
        baselineValue: mb(before.rssBytes),
        unit: 'MB',
        ratio: mb(peakSampled) / mb(before.rssBytes),
        // Issue 16's target is the all-in-one process's; the production sum is shown beside it for information.
        ...(allInOne ? { target: '<= 400 MB', met: mb(peakSampled) <= 400 } : { target: 'info (400 MB: all-in-one)' }),
        note: `${perProcess ? `peaks ${perProcess} MB; ` : ''}VmHWM ${mb(after.peakRssBytes).toFixed(0)} MB${allInOne ? '' : ' (sum of peaks)'}; ${mb(ctx.startMemory.rssBytes).toFixed(0)} MB right after start; ${load.requestsPerSecond.toFixed(0)} pages/s${load.failures ? `, ${load.failures} failed` : ''}`,
      },
      {
        scenario,
        measure: 'PostgreSQL backends, same load (info)',
        subject: 'waiting on a lock',
        baseline: 'running a statement',
        subjectValue: database.meanLockWaiters,
        baselineValue: database.meanActiveStatements,
        unit: 'mean',
        ratio: database.meanActiveStatements ? database.meanLockWaiters / database.meanActiveStatements : null,
        note: `${database.meanAdvisoryLockWaiters.toFixed(2)} on the access records' advisory lock`,
      },
    ],
    details: {
      method: '/proc/<pid>/status VmRSS sampled every 100 ms, VmHWM at the end',
      afterStart: ctx.startMemory,
      before,
      after,
      peakSampledBytes: peakSampled,
      peakSampledBytesPerProcess: peakSampledPerProcess,
      perSecondMb,
      load,
      database,
    },
  };
}
