// The parent's side of bench/system-child.ts: spawns it (node --import tsx,
// as npm start runs), answers its IPC messages and reads its memory from
// /proc/<pid>/status (VmRSS now, VmHWM the peak since start): the whole
// process as the OS sees it, heap, native buffers and Prisma's engine alike,
// which process.memoryUsage() of the parent could not see.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CareSchema } from '../lib/access/care-relationship-view';
import type { InternalKeyPair } from '../lib/access/internal-token';
import type { UserPrincipal } from '../lib/access/principal';
import type { ChildMessage, ParentMessage } from './system-child';

export interface SystemHandle {
  pid: number;
  gatewayUrl: string;
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
  statements(): Promise<number>;
  /** The texts of the statements sent after the count `since` (at most the last 500). */
  statementTexts(since: number): Promise<string[]>;
  memory(): { rssBytes: number; peakRssBytes: number };
  /** One need-to-know check per schema in the system process (bench/system-child.ts), each timed there. */
  careCheck(
    principal: UserPrincipal,
    subjectId: string,
    schemas: CareSchema[],
  ): Promise<Array<{ schema: CareSchema; ms: number; allowed: boolean }>>;
  stop(): Promise<void>;
}

export async function startSystemChild(options: {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  keys: InternalKeyPair;
  cpuProfileDir?: string;
}): Promise<SystemHandle> {
  const execArgv = ['--import', 'tsx'];
  if (options.cpuProfileDir) {
    fs.mkdirSync(options.cpuProfileDir, { recursive: true });
    execArgv.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir);
  }
  const child: ChildProcess = fork(path.join(__dirname, 'system-child.ts'), [], {
    execArgv,
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

  const ready = await request(
    {
      type: 'start',
      databaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
      queuePrefix: options.queuePrefix,
      keys: options.keys,
    },
    'ready',
  );
  const pid = child.pid!;
  return {
    pid,
    gatewayUrl: ready.gatewayUrl,
    uncachedGatewayUrl: ready.uncachedGatewayUrl,
    subgraphUrls: ready.subgraphUrls,
    waitFor,
    send: (message) => void child.send(message),
    request,
    statements: async () => (await request({ type: 'statements' }, 'statements')).count,
    statementTexts: async (since) => (await request({ type: 'statements', since }, 'statements')).texts ?? [],
    memory: () => readProcMemory(pid),
    careCheck: async (principal, subjectId, schemas) =>
      (await request({ type: 'care-check', principal, subjectId, schemas }, 'care-check')).results,
    stop: async () => {
      // Gone already (a crash, or Ctrl-C reaching the whole process group): nothing to stop.
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await request({ type: 'stop' }, 'stopped', 30_000).catch(() => child.kill('SIGTERM'));
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

function readProcMemory(pid: number): { rssBytes: number; peakRssBytes: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}
