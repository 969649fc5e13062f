// The life of a Renkei process: parse config, start, log where it listens,
// and on SIGINT/SIGTERM stop in the reverse order of starting. A
// StartupError is printed as one message (no stack trace) with exit code 1.
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { formatStartupProblems, StartupError } from './startup-error';

export type Stop = () => Promise<void>;
type Requirement = Parameters<typeof loadConfig>[1];

export async function runServiceProcess(
  name: string,
  required: Requirement,
  start: (config: Config, logger: Logger) => Promise<Stop>,
): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig(process.env, required);
    logger = createLogger(config.logLevel, name);
    const stop = await start(config, logger);
    const log = logger;
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
