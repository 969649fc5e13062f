// The life of a Renkei process: parse config, start, log where it listens,
// and on SIGINT/SIGTERM stop in the reverse order of starting. A
// StartupError is printed as one message (no stack trace) with exit code 1.
// A process whose keys rotate (the gateway, the subgraphs, the worker)
// returns a reload too: SIGHUP re-reads its key files without dropping a
// request; a reload that fails is logged and the keys in use stay. A process
// without one keeps Node's default for SIGHUP (it stops).
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { formatStartupProblems, StartupError } from './startup-error';
import type { Stop } from './stop-stack';
/** Re-reads what may change while running (key files); resolves with facts to log (key ids, never key material). */
export type Reload = () => Promise<Record<string, unknown>>;
type Requirement = Parameters<typeof loadConfig>[1];

export async function runServiceProcess(
  name: string,
  required: Requirement,
  start: (config: Config, logger: Logger) => Promise<Stop | { stop: Stop; reload: Reload }>,
): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig(process.env, required);
    logger = createLogger(config.logLevel, name);
    const started = await start(config, logger);
    const stop = typeof started === 'function' ? started : started.stop;
    const log = logger;
    if (typeof started !== 'function') {
      let reloading = Promise.resolve();
      // One reload at a time, in the order the signals came.
      process.on('SIGHUP', () => {
        reloading = reloading.then(() =>
          started.reload().then(
            (facts) => log.info({ signal: 'SIGHUP', ...facts }, 'keys reloaded'),
            (error: unknown) =>
              log.error(
                {
                  signal: 'SIGHUP',
                  problems: error instanceof StartupError ? error.problems : [(error as Error).message],
                },
                'keys not reloaded; the keys in use stay',
              ),
          ),
        );
      });
    }
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      const forced = setTimeout(() => {
        log.error('shutdown took longer than 15 s; exiting');
        process.exit(1);
      }, 15_000);
      forced.unref();
      stop().then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`${formatStartupProblems(error.problems)}\n`);
      process.exit(1);
    }
    (logger ?? console).error(error);
    process.exit(1);
  }
}
