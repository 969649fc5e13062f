// What every scenario gets, and the rows it contributes to the one table.
import type { BenchConfig } from '../config';
import type { Callers } from '../callers';
import type { SeededData } from '../seed';
import type { SystemHandle, SystemMemory, Topology } from '../system-handle';

export interface ScenarioContext {
  config: BenchConfig;
  /** Which system the scenario is measuring (the table shows the topologies' rows side by side). */
  topology: Topology;
  system: SystemHandle;
  callers: Callers;
  seeded: SeededData;
  supergraphSdl: string;
  /** The bench database, for diagnostics the scenarios read from PostgreSQL itself. */
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** The system's memory right after start and sign-in, before any scenario (summed over its processes). */
  startMemory: SystemMemory;
  log(line: string): void;
}

/** One line of the table: a measure on both sides, their ratio and the target. */
export interface Row {
  scenario: string;
  measure: string;
  /** The side being judged (gateway, pipeline, ...) and the baseline it is compared with. */
  subject: string;
  baseline: string;
  subjectValue: number | null;
  baselineValue: number | null;
  unit: string;
  /** subjectValue / baselineValue, or the difference when `difference` is set. */
  ratio: number | null;
  difference?: boolean;
  target?: string;
  met?: boolean | null;
  note?: string;
}

export interface ScenarioResult {
  name: string;
  /** Set by bench/run.ts for the topology it ran against. */
  topology?: Topology;
  rows: Row[];
  details: Record<string, unknown>;
}
