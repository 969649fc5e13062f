// A worker process for the outbound fault tests (started by spawnEntry, from
// the run's compiled tree): the real BullMQ workers and outbox relay of adapters/workers.ts over
// the test's database and Redis prefix, with short lock and stalled-check
// intervals so a job whose worker is killed with SIGKILL is picked up again
// quickly. It signs partner calls with the exchange key the test wrote to
// EXCHANGE_KEY_DIR and trusts the partner's CA in PARTNER_CA_FILE.
import fs from 'node:fs';
import { jobDefinitions } from '../../adapters/jobs';
import { defaultPartnerCallTimings } from '../../adapters/partner/partner-calls';
import { startWorkers } from '../../adapters/workers';
import { connectPostgres } from '../../lib/database';
import { openExchangeKey } from '../../lib/exchange/exchange-key';
import { createLogger } from '../../lib/logger';
import { connectRedis } from '../../lib/redis';
import { defaultIdentitySettings } from '../../subgraphs/identity/settings';
import { memoryPartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import { partnerTransport } from '../../subgraphs/identity/partners/partner-service';

async function main() {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const logger = createLogger('silent');
  const db = connectPostgres(env('DATABASE_URL'), 4);
  const redis = connectRedis(env('REDIS_URL'));
  redis.on('error', () => undefined);
  await redis.connect();
  const exchange = { key: await openExchangeKey(env('EXCHANGE_KEY_DIR')), fhirBaseUrl: env('OUR_FHIR_BASE_URL') };
  // JWT partners only here, and no subscriptions at us: the vault never has anything sealed to open.
  const partnerKeys = memoryPartnerKeyVault();
  const workers = await startWorkers({
    redis,
    prefix: env('QUEUE_PREFIX'),
    deps: {
      db: db.prisma,
      identity: { db: db.prisma, settings: defaultIdentitySettings, now: () => new Date() },
      rooms: db.prisma,
      consent: db.prisma,
      outbound: db.prisma,
      partnerCalls: {
        exchange,
        trustedCaPems: [fs.readFileSync(env('PARTNER_CA_FILE'), 'utf8')],
        transport: (id) => partnerTransport({ db: db.prisma, partnerKeys }, id),
        vault: partnerKeys,
        ...defaultPartnerCallTimings,
        timeoutMs: 20_000,
        poll: { firstDelayMs: 200, maxDelayMs: 400 },
      },
      logger,
    },
    // Not the inbound jobs nor the audit checkpoints: this worker is given neither their tables nor a key.
    definitions: jobDefinitions.filter(
      (job) => !job.needs.includes('inbound') && !job.needs.includes('auditCheckpoints'),
    ),
    outbox: db.prisma,
    exchangeRetry: { attempts: 4, baseDelayMs: 200, maxDelayMs: 600 },
    // A lock long enough for a busy test machine (the first run indexes the FHIR definitions), short enough to test.
    stalled: { lockDurationMs: 4_000, stalledIntervalMs: 1_000, maxStalledCount: 2 },
  });
  process.stdout.write(`worker ready ${process.pid}\n`);
  const stop = async () => {
    await workers.close();
    await redis.quit();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: Error) => {
  process.stderr.write(`worker failed to start: ${error.name}: ${error.message}\n`);
  process.exit(1);
});
