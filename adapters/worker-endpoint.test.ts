import { workerReadiness } from './worker-endpoint';

const ok = () => Promise.resolve('PONG');

describe("the worker's readiness", () => {
  it('is ok when PostgreSQL and Redis answer and the queue workers run', async () => {
    expect(await workerReadiness({ pingDatabase: ok, pingRedis: ok, queuesRunning: () => true })).toEqual({
      status: 'ok',
      checks: { database: 'ok', redis: 'ok', queues: 'ok' },
    });
  });

  it('names each failing check: a refused database, a Redis that never answers, queues not (yet) running', async () => {
    const report = await workerReadiness(
      {
        pingDatabase: () => Promise.reject(new Error('ECONNREFUSED')),
        pingRedis: () => new Promise(() => undefined),
        queuesRunning: () => false,
      },
      50,
    );
    expect(report).toEqual({
      status: 'unavailable',
      checks: { database: 'unavailable', redis: 'unavailable', queues: 'unavailable' },
    });
  });
});
