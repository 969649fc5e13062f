// For the all-in-one start without REDIS_URL: a private redis-server child
// process on a free loopback port, with its data (append-only file) under
// DATA_DIR so queued jobs survive a restart, and a random password so other
// local users cannot reach it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StartupError } from './startup-error';

export interface EmbeddedRedis {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedRedis(binary: string, dataDir: string): Promise<EmbeddedRedis> {
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const password = randomBytes(24).toString('hex');
  const child = spawn(
    binary,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--requirepass',
      password,
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    // Its own process group: a terminal's Ctrl-C reaches only us, and we stop Redis after the
    // services that use it (otherwise it dies first and every client logs a refused connection).
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  // Should this process end without stopping it (a crash), Redis goes with it.
  const orphanGuard = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  await waitUntilListening(child, binary, port);
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    stop: () => stopChild(child),
  };
}

function waitUntilListening(child: ChildProcess, binary: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (problem: string) => {
      cleanup();
      child.kill('SIGKILL');
      reject(new StartupError([problem]));
    };
    const onError = (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? `Redis is required: install redis-server (for example \`apt-get install redis-server\`) or set REDIS_URL to a running Redis (REDIS_SERVER_BIN=${binary} was not found).`
          : `could not start ${binary}: ${error.message}`,
      );
    const onExit = (code: number | null) =>
      fail(`${binary} exited with code ${code} before accepting connections: ${output.trim().slice(-300)}`);
    const timer = setTimeout(
      () => fail(`${binary} did not accept connections on port ${port} within 10 seconds`),
      10_000,
    );
    const poll = setInterval(() => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        cleanup();
        resolve();
      });
      socket.once('error', () => socket.destroy());
    }, 50);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', onError);
    child.once('exit', onExit);
    function cleanup() {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('error', onError);
      child.off('exit', onExit);
    }
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
