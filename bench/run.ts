// npm run bench: a fresh database on the local PostgreSQL, a realistic data
// set, then for each topology (BENCH_TOPOLOGY: the whole system in one child
// process as npm start runs it, and the production topology's five
// processes, bench/production-system.ts) each scenario with its warm-up;
// prints one table of medians and ratios measured side by side in this run,
// the topologies' rows next to each other, and writes the full record to
// bench/results/. Not a test: it never decides whether CI passes. Sizes and
// load are configurable (bench/config.ts); the defaults are the issue's.
import path from 'node:path';
import { generateInternalKeyPair } from '../lib/access/internal-token';
import { connectRedis } from '../lib/redis';
import { readSupergraph } from '../gateway/supergraph-file';
import { Client } from 'pg';
import { signInCallers } from './callers';
import { readBenchConfig } from './config';
import { copyBenchDatabase, createBenchDatabase, type BenchDatabase } from './database';
import { startProductionSystem } from './production-system';
import { renderTable, writeResults } from './report';
import { consoleInbox } from './scenarios/console-inbox';
import { exchangePipeline } from './scenarios/exchange';
import { fanOut } from './scenarios/fan-out';
import { gatewayHop } from './scenarios/gateway-hop';
import { memoryUnderTimelineLoad } from './scenarios/memory';
import type { ScenarioContext, ScenarioResult } from './scenarios/types';
import { seed } from './seed';
import { checkSeededCareRelationships } from './seed-check';
import { startSystemChild, type SystemHandle, type Topology } from './system-handle';

const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

type Scenario = [number, string, (c: ScenarioContext) => Promise<ScenarioResult>];

// Memory runs before the exchange so its peak is the timeline load's, not the job burst's.
const scenarios: Scenario[] = [
  [1, 'gateway hop', gatewayHop],
  [2, 'fan-out', fanOut],
  [4, 'memory under timeline load', memoryUnderTimelineLoad],
  [3, 'exchange pipeline', exchangePipeline],
  // Last: it adds waiting work to the database the others measured.
  [5, 'console inbox', consoleInbox],
];

async function main() {
  const config = readBenchConfig();
  const runStarted = performance.now();
  const stamp = new Date()
    .toISOString()
    .replace(/[-:T.Z]/g, '')
    .slice(0, 14);
  const resultsDir = path.join(__dirname, 'results');
  // Each topology its own queue prefix (and the all-in-one the one it always had).
  const queuePrefixes: Record<Topology, string> = {
    'all-in-one': `renkei-bench-${stamp}`,
    production: `renkei-bench-${stamp}-production`,
  };
  const databases: BenchDatabase[] = [];
  let system: SystemHandle | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await system?.stop().catch((error: unknown) => log(`stopping the system failed: ${String(error)}`));
      for (const topology of config.topologies)
        await cleanRedis(config.redisUrl, queuePrefixes[topology]).catch(() => undefined);
      for (const database of databases.reverse()) {
        if (!config.keepDatabase)
          await database.drop().catch((error: unknown) => log(`dropping ${database.name} failed: ${String(error)}`));
        else log(`kept database ${database.name} (BENCH_KEEP_DB=1)`);
      }
    })());
  // Ctrl-C (or a kill) still stops the services and drops the databases and the queues
  // (the system processes also stop on the terminal's SIGINT themselves).
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: cleaning up`);
      void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  try {
    let t0 = performance.now();
    const created = await createBenchDatabase(config.adminDatabaseUrl);
    databases.push(created);
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
    // The scenarios write (access records, partners, Tasks, waiting work): every topology after the
    // first gets a copy of the seeded database made now, before any system has touched it.
    const databaseOf = new Map<Topology, BenchDatabase>();
    for (const [index, topology] of config.topologies.entries()) {
      if (index === 0) databaseOf.set(topology, created);
      else {
        t0 = performance.now();
        const copy = await copyBenchDatabase(config.adminDatabaseUrl, created, topology.replace(/-/g, ''));
        databases.push(copy);
        databaseOf.set(topology, copy);
        log(`copied the seeded database for the ${topology} topology (${copy.name}) in ${seconds(t0)} s`);
      }
    }

    const keys = await generateInternalKeyPair();
    const results: ScenarioResult[] = [];
    const topologies: Record<string, unknown> = {};
    for (const topology of config.topologies) {
      const database = databaseOf.get(topology)!;
      const queuePrefix = queuePrefixes[topology];
      const cpuProfileDir = config.cpuProfile ? path.join(resultsDir, 'profiles', stamp, topology) : undefined;
      log(`\n=== ${topology} topology ===`);
      t0 = performance.now();
      let roles: string | undefined;
      if (topology === 'all-in-one') {
        system = await startSystemChild({
          databaseUrl: database.url,
          redisUrl: config.redisUrl,
          queuePrefix,
          keys,
          cpuProfileDir,
        });
      } else {
        const production = await startProductionSystem({
          databaseUrl: database.url,
          redisUrl: config.redisUrl,
          queuePrefix,
          keys,
          cpuProfileDir,
        });
        system = production;
        roles = production.databaseRoles;
      }
      const pids = Object.entries(system.pids)
        .map(([name, pid]) => `${name} ${pid}`)
        .join(', ');
      log(`system started in ${seconds(t0)} s (pids: ${pids}; gateway ${system.gatewayUrl})`);
      if (roles) log(`PostgreSQL: ${roles}`);
      const callers = await signInCallers(system, keys, seeded.benchUser);
      const startMemory = system.memory();
      const ctx: ScenarioContext = {
        config,
        topology,
        system,
        callers,
        seeded,
        supergraphSdl: readSupergraph(),
        databaseUrl: database.url,
        redisUrl: config.redisUrl,
        queuePrefix,
        startMemory,
        log,
      };
      topologies[topology] = {
        database: database.name,
        queuePrefix,
        pids: system.pids,
        databaseRoles: roles,
        startMemory,
      };
      for (const [number, title, scenario] of scenarios) {
        if (!config.scenarios.has(number)) continue;
        const name = `${number} ${title}`;
        log(`\nscenario ${name} (${topology})`);
        t0 = performance.now();
        try {
          results.push({ ...(await scenario(ctx)), topology });
          log(`  done in ${seconds(t0)} s`);
        } catch (error) {
          // One broken scenario (say, an endpoint mid-change) must not hide the others' numbers.
          const message = error instanceof Error ? error.message : String(error);
          log(`  FAILED after ${seconds(t0)} s: ${message}`);
          results.push({
            name: title,
            topology,
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
      t0 = performance.now();
      await system.stop();
      system = undefined;
      log(`${topology} system stopped in ${seconds(t0)} s`);
    }
    log(`\n${renderTable(results)}\n`);
    const file = writeResults(resultsDir, stamp, {
      startedAt: new Date(Date.now() - (performance.now() - runStarted)).toISOString(),
      totalSeconds: (performance.now() - runStarted) / 1000,
      config: { ...config, scenarios: [...config.scenarios] },
      seed: { sizes: seeded.sizes, rows: seeded.rows, seconds: seeded.seconds, careRelationshipsCheck: seedCheck },
      topologies,
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
