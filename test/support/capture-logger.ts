// A logger whose lines a test can read and wait for: the positive signal that
// something happened in the background (a relay tick that gave up, a job that
// failed), instead of sleeping and asserting that nothing changed meanwhile.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../lib/logger';
import { eventually } from './eventually';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface CapturedLog {
  logger: Logger;
  lines: LogLine[];
  /** Waits until a line written after `since` (an index into `lines`) matches; fails the test after `timeoutMs`. */
  waitFor(match: (line: LogLine) => boolean, since?: number, timeoutMs?: number): Promise<LogLine>;
}

export function captureLogger(level = 'info'): CapturedLog {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text.trim()) lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  const logger = createLogger(level, 'renkei-test', sink);
  return {
    logger,
    lines,
    async waitFor(match, since = 0, timeoutMs = 15_000) {
      const found = () => lines.slice(since).find(match);
      await eventually(
        async () => found(),
        (line) => line !== undefined,
        timeoutMs,
      );
      const line = found();
      if (!line) throw new Error(`no log line matched within ${timeoutMs} ms`);
      return line;
    },
  };
}
