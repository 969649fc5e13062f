// npm run bench: a fresh database on the local PostgreSQL, a realistic data
// set, the whole system in a child process, then each scenario with its
// warm-up; prints one table of medians and ratios measured side by side in
// this run and writes the full record to bench/results/. Not a test: it
// never decides whether CI passes. Sizes and load are configurable
// (bench/config.ts); the defaults are the issue's.
import path from 'node:path';
import { generateInternalKeyPair } from '../lib/access/internal-token';
import { connectRedis } from '../lib/redis';
import { readSupergraph } from '../gateway/supergraph-file';
import { Client } from 'pg';
import { signInCallers } from './callers';
import { readBenchConfig } from './config';
import { createBenchDatabase, type BenchDatabase } from './database';
import { renderTable, writeResults } from './report';
import { consoleInbox } from './scenarios/console-inbox';
import { exchangePipeline } from './scenarios/exchange';
import { fanOut } from './scenarios/fan-out';
import { gatewayHop } from './scenarios/gateway-hop';
import { memoryUnderTimelineLoad } from './scenarios/memory';
import type { ScenarioContext, ScenarioResult } from './scenarios/types';
import { seed } from './seed';
import { checkSeededCareRelationships } from './seed-check';
import { startSystemChild, type SystemHandle } from './system-handle';

const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

async function main() {
  const config = readBenchConfig();
  const runStarted = performance.now();
  const stamp = new Date()
    .toISOString()
    .replace(/[-:T.Z]/g, '')
    .slice(0, 14);
  const resultsDir = path.join(__dirname, 'results');
  const queuePrefix = `renkei-bench-${stamp}`;
  let database: BenchDatabase | undefined;
  let system: SystemHandle | undefined;
  const cleanUp = async () => {
    await system?.stop().catch((error: unknown) => log(`stopping the system failed: ${String(error)}`));
    await cleanRedis(config.redisUrl, queuePrefix).catch(() => undefined);
    if (database && !config.keepDatabase)
      await database.drop().catch((error: unknown) => log(`dropping ${database?.name} failed: ${String(error)}`));
    else if (database) log(`kept database ${database.name} (BENCH_KEEP_DB=1)`);
  };
  // Ctrl-C still drops the database and the queues (the child stops on the same signal).
  process.once('SIGINT', () => {
    log('\ninterrupted: cleaning up');
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    let t0 = performance.now();
    const created = await createBenchDatabase(config.adminDatabaseUrl);
    database = created;
    log(`database ${created.name}: ${created.migrations.length} migrations applied in ${seconds(t0)} s`);

    log(
      `seeding ${config.sizes.facilities} facilities, ${config.sizes.users} users, ${config.sizes.subjects} subjects and rooms, ${config.sizes.posts} posts`,
    );
    t0 = performance.now();
    const client = new Client({ connectionString: created.url });
    await client.connect();
    const seeded = await seed(client, config.sizes, log).finally(() => client.end());
    log(`seeded in ${seeded.seconds.toFixed(1)} s`);
    const seedCheck = await checkSeededCareRelationships(config.adminDatabaseUrl, created, config.sizes);
    log(
      `seeded care relationships equal what the care-relationships-changed job writes for ${seedCheck.subjects} sampled subjects (${seedCheck.rows} rows in three schemas; checked on a copy in ${seedCheck.seconds.toFixed(1)} s)`,
    );

    t0 = performance.now();
    const keys = await generateInternalKeyPair();
    system = await startSystemChild({
      databaseUrl: created.url,
      redisUrl: config.redisUrl,
      queuePrefix,
      keys,
      cpuProfileDir: config.cpuProfile ? path.join(resultsDir, 'profiles', stamp) : undefined,
    });
    log(`system started in ${seconds(t0)} s (pid ${system.pid}, gateway ${system.gatewayUrl})`);
    const callers = await signInCallers(system, keys, seeded.benchUser);
    const startMemory = system.memory();
    const ctx: ScenarioContext = {
      config,
      system,
      callers,
      seeded,
      supergraphSdl: readSupergraph(),
      databaseUrl: created.url,
      redisUrl: config.redisUrl,
      queuePrefix,
      startMemory,
      log,
    };

    // Memory runs before the exchange so its peak is the timeline load's, not the job burst's.
    const scenarios: Array<[number, string, (c: ScenarioContext) => Promise<ScenarioResult>]> = [
      [1, 'gateway hop', gatewayHop],
      [2, 'fan-out', fanOut],
      [4, 'memory under timeline load', memoryUnderTimelineLoad],
      [3, 'exchange pipeline', exchangePipeline],
      // Last: it adds waiting work to the database the others measured.
      [5, 'console inbox', consoleInbox],
    ];
    const results: ScenarioResult[] = [];
    for (const [number, title, scenario] of scenarios) {
      if (!config.scenarios.has(number)) continue;
      const name = `${number} ${title}`;
      log(`\nscenario ${name}`);
      t0 = performance.now();
      try {
        results.push(await scenario(ctx));
        log(`  done in ${seconds(t0)} s`);
      } catch (error) {
        // One broken scenario (say, an endpoint mid-change) must not hide the others' numbers.
        const message = error instanceof Error ? error.message : String(error);
        log(`  FAILED after ${seconds(t0)} s: ${message}`);
        results.push({
          name: title,
          rows: [
            {
              scenario: name,
              measure: '-',
              subject: '-',
              baseline: '-',
              subjectValue: null,
              baselineValue: null,
              unit: '',
              ratio: null,
              met: null,
              note: `failed: ${message.slice(0, 120)}`,
            },
          ],
          details: { error: message },
        });
        process.exitCode = 1;
      }
    }
    log(`\n${renderTable(results)}\n`);
    const file = writeResults(resultsDir, stamp, {
      startedAt: new Date(Date.now() - (performance.now() - runStarted)).toISOString(),
      totalSeconds: (performance.now() - runStarted) / 1000,
      config,
      seed: { sizes: seeded.sizes, rows: seeded.rows, seconds: seeded.seconds, careRelationshipsCheck: seedCheck },
      results,
    });
    log(`results written to ${path.relative(process.cwd(), file)} (total ${seconds(runStarted)} s)`);
  } finally {
    await cleanUp();
  }
}

/** Removes the run's queues (both prefixes) from the shared Redis. */
async function cleanRedis(url: string, prefix: string) {
  const redis = connectRedis(url);
  await redis.connect();
  try {
    for (const pattern of [`${prefix}:*`, `${prefix}-raw:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
