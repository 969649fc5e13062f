// Runs Renkei entry points as real processes, with an environment the test
// controls: nothing is inherited from the test process but PATH and HOME (so
// a DATABASE_URL, REDIS_URL or NODE_ENV set for jest cannot leak in and change
// what is being tested); spawnEntry adds Node's compile cache (below). An
// entry runs compiled, as the production images run it
// (test/support/compiled-tree.ts says why), or from source through tsx, as
// `npm start` runs it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoPath } from '../../lib/repo-paths';
import { compiledEntry, compiledTreeDir } from './compiled-tree';

/**
 * Node's compile cache (NODE_COMPILE_CACHE) for the processes a run starts: they load the same
 * modules over and over (about fifty processes a run), and the cache keeps V8's compiled code on
 * disk between them. Measured here, loading the compiled system (start/system.js) took 0.84 CPU-s
 * cold and 0.61 warm; through tsx 1.78 and 1.55. It lives in this run's compiled tree, so the
 * global teardown removes it with the tree. Node checks each entry against the source it was made
 * from and compiles anew on any mismatch.
 */
const compileCacheDir = path.join(compiledTreeDir, '.node-compile-cache');

export function minimalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (process.env.PATH !== undefined) env.PATH = process.env.PATH;
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  // No metrics listener (PORT + 5000 by default) unless a test asks for one: files running in
  // parallel pick their ports at random, and a neighbour's metrics port must not clash with them.
  return { ...env, METRICS_PORT: 'off', ...extra };
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** The pid of the service process (node itself: the entry's compiled file, or the source with the tsx loader). */
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match in stdout; rejects if the process exits first or on timeout. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited; rejects on timeout (the process is left running). */
  waitForExit(timeoutMs: number): Promise<ExitResult>;
  /** SIGKILLs the whole process group (node and any children), for cleanup. */
  killGroup(): void;
}

/**
 * How an entry runs: `compiled` (the default) as the production images run it, from this test run's
 * compiled tree; `tsx` as `npm start` runs it, from the sources.
 */
export type EntryRunner = 'compiled' | 'tsx';

/**
 * Starts `entry` (a .ts file relative to the repository root) in its own process group:
 * `node --enable-source-maps <compiled entry>`, or `node --import tsx <entry>`.
 */
export function spawnEntry(
  entry: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
  runner: EntryRunner = 'compiled',
): ServiceProcess {
  const started = Date.now();
  const node = runner === 'tsx' ? ['--import', 'tsx', repoPath(entry)] : ['--enable-source-maps', compiledEntry(entry)];
  const child = spawn(process.execPath, [...node, ...args], {
    cwd: repoPath(),
    env: { NODE_COMPILE_CACHE: compileCacheDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<ExitResult>((resolve) => {
    // 'close' rather than 'exit': all output has been read by then.
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout: out, stderr: err, ms: Date.now() - started }),
    );
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });

  const describe = () => `${entry}\n--- stdout ---\n${out.slice(-3000)}\n--- stderr ---\n${err.slice(-3000)}`;

  return {
    child,
    pid: child.pid as number,
    stdout: () => out,
    stderr: () => err,
    waitForStdout: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = out.match(pattern);
          if (match) {
            finish();
            resolve(match);
          }
        };
        const onExit = (result: ExitResult) => {
          if (!out.match(pattern)) {
            finish();
            reject(
              new Error(
                `exited (code ${result.code}, signal ${result.signal}) before printing ${pattern}: ${describe()}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${describe()}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
        };
        child.stdout?.on('data', check);
        void exited.then(onExit);
        check();
      }),
    waitForExit: (timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`did not exit within ${timeoutMs} ms: ${describe()}`)),
          timeoutMs,
        );
        void exited.then((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      }),
    killGroup: () => {
      if (done) return;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Runs an entry point that is expected to stop on its own (a startup failure, a script). */
export async function runToExit(
  entry: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
  args: readonly string[] = [],
  runner: EntryRunner = 'compiled',
): Promise<ExitResult> {
  const service = spawnEntry(entry, env, args, runner);
  try {
    return await service.waitForExit(timeoutMs);
  } finally {
    service.killGroup();
  }
}

/** A stack-trace frame line as node prints them ("    at fn (file:1:2)"). */
export const stackFrame = /^\s+at .+/m;

/** A port nothing listens on right now (the OS picks it; there is a small race until it is used). */
export { freePort } from '../../lib/embedded-redis';

/** Holds a port open until close() is called. */
export async function occupyPort(host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** True when something accepts TCP connections on host:port. */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Pids of the direct children of `pid` (via `pgrep -P`), optionally only those named `name`. */
export function childPids(pid: number, name?: string): number[] {
  const args = ['-P', String(pid), ...(name ? ['-x', name] : [])];
  try {
    return execFileSync('pgrep', args, { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((child) => Number.isInteger(child) && child > 0);
  } catch (error) {
    if ((error as { status?: number }).status === 1) return []; // pgrep: nothing matched
    throw error;
  }
}

/** Pids of every process below `pid` named `name` (redis-server renames its command line, so match by name). */
export function descendantPids(pid: number, name: string): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    queue.push(...childPids(parent));
    found.push(...childPids(parent, name));
  }
  return found;
}

/** True while the process exists and is not a zombie (an exited child not yet reaped still answers kill 0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: the state is the field after the parenthesised command name.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT'; // no /proc (macOS): trust kill 0
  }
}
