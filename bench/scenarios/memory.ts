// Scenario 4: the memory of the whole system process (gateway, subgraphs,
// workers in one process, as npm start runs them) under the timeline load.
// Measured from outside, /proc/<pid>/status of the child: VmRSS sampled
// every 100 ms while autocannon drives timeline pages through the gateway,
// and VmHWM, the kernel's own peak since the process started.
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
  const sampler = setInterval(() => {
    peakSampled = Math.max(peakSampled, ctx.system.memory().rssBytes);
  }, 100);
  let load;
  try {
    load = await autocannonRun(target, { connections, durationSeconds: duration });
  } finally {
    clearInterval(sampler);
  }
  const after = ctx.system.memory();
  ctx.log(`  ${load.requestsPerSecond.toFixed(0)} timeline pages/s for ${duration} s (${connections} connections, ${load.failures} failures); RSS ${mb(before.rssBytes).toFixed(0)} MB before, peak ${mb(peakSampled).toFixed(0)} MB, VmHWM ${mb(after.peakRssBytes).toFixed(0)} MB`);
  return {
    name: 'memory',
    rows: [
      {
        scenario: '4 memory (all-in-one process)',
        measure: `peak RSS, timeline load ${connections} conn.`,
        subject: 'under load',
        baseline: 'before load',
        subjectValue: mb(peakSampled),
        baselineValue: mb(before.rssBytes),
        unit: 'MB',
        ratio: mb(peakSampled) / mb(before.rssBytes),
        note: `VmHWM ${mb(after.peakRssBytes).toFixed(0)} MB; ${load.requestsPerSecond.toFixed(0)} pages/s${load.failures ? `, ${load.failures} failed` : ''}`,
      },
    ],
    details: { method: '/proc/<pid>/status VmRSS sampled every 100 ms, VmHWM at the end', before, after, peakSampledBytes: peakSampled, load },
  };
}
