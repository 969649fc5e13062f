import { createLogger } from './logger';
import { withRequestId } from './request-id';
import { release } from './release';

function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', 'test', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

describe('log lines and the request being served', () => {
  const id = '2f1d0c8e-5b7a-4c1e-9d3f-0a1b2c3d4e5f';

  it('names the request on every line written while serving it, and on no other', () => {
    const { logger, lines } = capture();
    withRequestId(id, () => logger.warn('refused'));
    logger.info('idle');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'refused', requestId: id });
    expect(JSON.parse(lines[1]!)).not.toHaveProperty('requestId');
  });

  it('writes the id once, and the inner request’s id when requests nest', () => {
    const { logger, lines } = capture();
    const inner = '9e8d7c6b-5a49-4382-8170-6f5e4d3c2b1a';
    withRequestId(id, () => withRequestId(inner, () => logger.child({ queue: 'q' }).info('ran')));
    expect(lines[0]!.match(/"requestId"/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ requestId: inner, queue: 'q' });
  });
});

describe('what every line carries', () => {
  it('names the service and the release, and not pino’s bare "name"', () => {
    const lines: string[] = [];
    const logger = createLogger('info', 'renkei-worker', { write: (line: string) => void lines.push(line) });
    logger.info('ready');
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ service: 'renkei-worker', version: release.version, msg: 'ready', level: 30 });
    expect(release.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(line).not.toHaveProperty('name');
  });
});
