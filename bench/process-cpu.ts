// CPU time by process, read from /proc/<pid>/stat (utime + stime): what a stage of the bench cost
// the machine, which is steadier than its throughput on a shared machine (a busy neighbour slows
// the run without adding CPU to it). PostgreSQL and Redis are counted by their process names,
// every process of each (the postmaster's backends included), so the bench should be the only
// client of that server while it runs.
import fs from 'node:fs';

const ticksPerSecond = 100; // USER_HZ: 100 on Linux, whatever the kernel's own tick rate.

/** utime + stime of one process in seconds, or 0 if it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    return ticksOf(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')) / ticksPerSecond;
  } catch {
    return 0;
  }
}

function ticksOf(stat: string): number {
  // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU seconds of every process whose command name (/proc/<pid>/comm) is `name` (e.g. postgres), by pid. */
export function cpuSecondsByName(name: string): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm === name || comm.startsWith(`${name}:`)) found.set(Number(entry), ticksOf(stat) / ticksPerSecond);
    } catch {
      // gone between readdir and read
    }
  }
  return found;
}

/**
 * What the processes used between two readings: a process in both counts its difference, one that
 * started in between all of its time. One that ended in between is lost (its last seconds are not
 * readable), so the figure is a lower bound when backends come and go; pools keep theirs.
 */
function usedBetween(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, now] of after) seconds += now - (before.get(pid) ?? 0);
  return seconds;
}

export interface CpuSnapshot {
  system: Record<string, number>;
  postgres: Map<number, number>;
  redis: Map<number, number>;
  bench: number;
}

export function cpuSnapshot(pids: Record<string, number>): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    system: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)])),
    postgres: cpuSecondsByName('postgres'),
    redis: cpuSecondsByName('redis-server'),
    bench: (own.user + own.system) / 1e6,
  };
}

/** CPU milliseconds per unit of work between two snapshots, by part, with the machine's total. */
export function cpuPerUnit(before: CpuSnapshot, after: CpuSnapshot, units: number) {
  const ms = (seconds: number) => (1000 * seconds) / units;
  const system = Object.fromEntries(
    Object.keys(after.system).map((name) => [name, ms((after.system[name] ?? 0) - (before.system[name] ?? 0))]),
  );
  const systemTotal = Object.values(system).reduce((sum, v) => sum + v, 0);
  const postgres = ms(usedBetween(before.postgres, after.postgres));
  const redis = ms(usedBetween(before.redis, after.redis));
  const bench = ms(after.bench - before.bench);
  return { system, systemTotal, postgres, redis, bench, machine: systemTotal + postgres + redis + bench };
}
