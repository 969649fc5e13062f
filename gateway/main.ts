// The gateway process (production mode): subgraph URLs and Redis from config.
import { subgraphNames, type SubgraphName } from '../lib/config';
import { listen, probePort } from '../lib/http-server';
import { connectRedis, probeRedis } from '../lib/redis';
import { runServiceProcess } from '../lib/service-process';
import { collectProblems } from '../lib/startup-error';
import { createGatewayServer } from './server';
import { readSupergraph } from './supergraph-file';

void runServiceProcess('renkei-gateway', ['IDENTITY_URL', 'ROOMS_URL', 'CONSENT_URL', 'REDIS_URL'], async (config, logger) => {
  const redisUrl = config.redisUrl as string;
  await collectProblems([probeRedis(redisUrl), probePort(config.host, config.port, 'the gateway')]);
  const supergraphSdl = readSupergraph();
  const redis = connectRedis(redisUrl);
  redis.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis connection error'));
  await redis.connect();
  const subgraphUrls = Object.fromEntries(subgraphNames.map((n) => [n, config.subgraphUrls[n] as string])) as Record<SubgraphName, string>;
  const gateway = await createGatewayServer({
    supergraphSdl,
    subgraphUrls,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    pingRedis: () => redis.ping(),
    logger,
  });
  const http = await listen(gateway.app, config.host, config.port, 'the gateway');
  logger.info({ url: `${http.url}/graphql` }, 'gateway ready');
  return async () => {
    await http.close();
    await gateway.stop();
    await redis.quit();
  };
});
