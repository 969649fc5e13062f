// The one table (medians and ratios, side by side) and the JSON record of a
// run under bench/results/ (ignored by git, except .gitkeep). With both
// topologies, each row of a scenario is followed by the same row measured
// on the other topology, so the two read side by side.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Row, ScenarioResult } from './scenarios/types';

// Two decimals, or two significant digits below 0.1 (a guard's 0.014 ms would otherwise read 0.01, its share 0.00x).
const fmt = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || Number.isNaN(value)
    ? '-'
    : value !== 0 && Math.abs(value) < 0.1
      ? value.toPrecision(2)
      : value.toFixed(digits);

function ratioText(row: Row): string {
  if (row.ratio === null) return '-';
  return row.difference ? `${row.ratio >= 0 ? '+' : ''}${fmt(row.ratio)} ${row.unit}` : `${fmt(row.ratio)}x`;
}

/** Rows in table order: per scenario, row by row, each row once per topology (in run order). */
export function interleaveTopologies(results: ScenarioResult[]): Array<{ topology: string; row: Row }> {
  const groups = new Map<string, ScenarioResult[]>();
  for (const result of results) {
    // The scenario's number leads each of its rows (a failed scenario's one row too).
    const key = result.rows[0]?.scenario.split(' ')[0] ?? result.name;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].flatMap((group) => {
    const longest = Math.max(...group.map((r) => r.rows.length));
    return Array.from({ length: longest }, (_, i) =>
      group.flatMap((r) => (r.rows[i] ? [{ topology: r.topology ?? '', row: r.rows[i] }] : [])),
    ).flat();
  });
}

export function renderTable(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'topology',
    'measure',
    'subject',
    'value',
    'baseline',
    'value',
    'unit',
    'ratio/diff',
    'target',
    'met',
    'note',
  ];
  const lines = interleaveTopologies(results).map(({ topology, row }) => [
    row.scenario,
    topology,
    row.measure,
    row.subject,
    fmt(row.subjectValue),
    row.baseline,
    fmt(row.baselineValue),
    row.unit,
    ratioText(row),
    row.target ?? '',
    row.met === undefined ? '' : row.met === null ? 'n/a' : row.met ? 'yes' : 'NO',
    row.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(render)].join('\n');
}

export function writeResults(dir: string, stamp: string, record: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${stamp}.json`);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  fs.writeFileSync(file, `${JSON.stringify({ machine, ...record }, null, 2)}\n`);
  return file;
}
