// The parent's side of bench/system-child.ts: spawns it (node --import tsx and
// npm start's heap cap, as npm start runs), answers its IPC messages and reads its memory from
// /proc/<pid>/status (VmRSS now, VmHWM the peak since start): the whole
// process as the OS sees it, heap, native buffers and Prisma's engine alike,
// which process.memoryUsage() of the parent could not see. SystemHandle is
// what the scenarios see of either topology (bench/production-system.ts is
// the other one).
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CareSchema } from '../lib/access/care-relationship-view';
import type { InternalKeyPair } from '../lib/access/internal-token';
import type { UserPrincipal } from '../lib/access/principal';
import { withStartHeapCap } from '../start/heap-cap';
import type { ChildMessage, ParentMessage } from './system-child';

export type Topology = 'all-in-one' | 'production';

export interface ProcessMemory {
  rssBytes: number;
  peakRssBytes: number;
}

/** A topology's memory: the sum over its processes, and each process's own when there are several. */
export interface SystemMemory extends ProcessMemory {
  processes?: Record<string, ProcessMemory>;
}

/** Where a statement count stood (one counter per process); only statementTexts reads it. */
export type StatementMark = number | Record<string, number>;

export interface SystemHandle {
  topology: Topology;
  /** The processes that make up the system under test, by name (the all-in-one: one). */
  pids: Record<string, number>;
  gatewayUrl: string;
  /** The partner-exchange endpoint (FHIR_BASE_URL): the gateway's in the all-in-one, the worker's in production. */
  fhirBaseUrl: string;
  /** The same gateway without the principal cache (bench/system-child.ts). */
  uncachedGatewayUrl: string;
  subgraphUrls: Record<'identity' | 'rooms' | 'consent', string>;
  /** Waits for the next message of the given type. */
  waitFor<T extends ChildMessage['type']>(reply: T, timeoutMs?: number): Promise<Extract<ChildMessage, { type: T }>>;
  send(message: ParentMessage): void;
  /** Sends a message and waits for the first reply of the given type. */
  request<T extends ChildMessage['type']>(
    message: ParentMessage,
    reply: T,
    timeoutMs?: number,
  ): Promise<Extract<ChildMessage, { type: T }>>;
  statementMark(): Promise<StatementMark>;
  /** The texts of the statements sent since the mark (at most the last 500 per process). */
  statementTexts(since: StatementMark): Promise<string[]>;
  memory(): SystemMemory;
  /**
   * One need-to-know check per schema in the system process (bench/system-child.ts), each timed there.
   * An in-process hook: absent in the production topology, whose subgraph processes run no bench code.
   */
  careCheck?(
    principal: UserPrincipal,
    subjectId: string,
    schemas: CareSchema[],
  ): Promise<Array<{ schema: CareSchema; ms: number; allowed: boolean }>>;
  stop(): Promise<void>;
}

/** A forked bench/system-child.ts and its IPC: the all-in-one system, or (never sent start) the production topology's helper. */
export interface BenchChild {
  pid: number;
  waitFor: SystemHandle['waitFor'];
  request: SystemHandle['request'];
  send: SystemHandle['send'];
  stop(): Promise<void>;
}

export function forkBenchChild(cpuProfileDir?: string): BenchChild {
  const execArgv = ['--import', 'tsx'];
  if (cpuProfileDir) {
    fs.mkdirSync(cpuProfileDir, { recursive: true });
    execArgv.push('--cpu-prof', '--cpu-prof-dir', cpuProfileDir);
  }
  const child: ChildProcess = fork(path.join(__dirname, 'system-child.ts'), [], {
    execArgv,
    // Under npm start's heap cap, as the process it stands for (start/heap-cap.ts); NODE_OPTIONS given to the
    // bench come after it and win, so another cap can be measured (NODE_OPTIONS=--max-old-space-size=N).
    env: { ...process.env, NODE_OPTIONS: withStartHeapCap(process.env.NODE_OPTIONS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listeners = new Set<(message: ChildMessage) => void>();
  child.on('message', (message: ChildMessage) => listeners.forEach((listener) => listener(message)));

  const waitFor: SystemHandle['waitFor'] = (reply, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`the system process did not send ${reply} in time`)), timeoutMs);
      const onExit = (code: number | null) =>
        done(new Error(`the system process exited (code ${code}) while waiting for ${reply}`));
      const listener = (m: ChildMessage) => {
        if (m.type === 'failed') done(new Error(`the system process failed: ${m.message}`));
        else if (m.type === reply) done(null, m as Extract<ChildMessage, { type: typeof reply }>);
      };
      function done(error: Error | null, value?: Extract<ChildMessage, { type: typeof reply }>) {
        clearTimeout(timer);
        listeners.delete(listener);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(value!);
      }
      listeners.add(listener);
      child.once('exit', onExit);
    });
  const request: SystemHandle['request'] = (message, reply, timeoutMs) => {
    const answer = waitFor(reply, timeoutMs);
    child.send(message);
    return answer;
  };
  return {
    pid: child.pid!,
    waitFor,
    request,
    send: (message) => void child.send(message),
    stop: async () => {
      // Gone already (a crash, or Ctrl-C reaching the whole process group): nothing to stop.
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await request({ type: 'stop' }, 'stopped', 30_000).catch(() => child.kill('SIGTERM'));
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export async function startSystemChild(options: {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  keys: InternalKeyPair;
  cpuProfileDir?: string;
}): Promise<SystemHandle> {
  const child = forkBenchChild(options.cpuProfileDir);
  const { request } = child;
  const ready = await request(
    {
      type: 'start',
      databaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
      queuePrefix: options.queuePrefix,
      keys: options.keys,
    },
    'ready',
  ).catch(async (error: unknown) => {
    // A start that failed half-way must not leave the process (and its connections) behind.
    await child.stop();
    throw error;
  });
  const pid = child.pid;
  return {
    topology: 'all-in-one',
    pids: { 'all-in-one': pid },
    gatewayUrl: ready.gatewayUrl,
    fhirBaseUrl: ready.gatewayUrl.replace(/\/graphql$/, '/fhir'),
    uncachedGatewayUrl: ready.uncachedGatewayUrl,
    subgraphUrls: ready.subgraphUrls,
    waitFor: child.waitFor,
    send: child.send,
    request,
    statementMark: async () => (await request({ type: 'statements' }, 'statements')).count,
    statementTexts: async (since) =>
      (await request({ type: 'statements', since: since as number }, 'statements')).texts ?? [],
    memory: () => readProcMemory(pid),
    careCheck: async (principal, subjectId, schemas) =>
      (await request({ type: 'care-check', principal, subjectId, schemas }, 'care-check')).results,
    stop: child.stop,
  };
}

export function readProcMemory(pid: number): ProcessMemory {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}
