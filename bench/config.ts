// The bench's settings, parsed once from the environment (BENCH_*). The
// defaults are the issue's data-set sizes and a load that finishes the whole
// run in a few minutes on a laptop; every problem is listed in one message.
import { z } from 'zod';

const int = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

const schema = z.object({
  /** Any database on the server: the bench creates its own `renkei_bench_<timestamp>` next to it. */
  BENCH_DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/postgres'),
  BENCH_REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  BENCH_FACILITIES: int(200),
  BENCH_USERS: int(2_000, 10),
  BENCH_SUBJECTS: int(5_000, 10),
  BENCH_POSTS: int(100_000, 1_000),
  /** Seconds per measured autocannon round; each scenario alternates its two sides over several rounds. */
  BENCH_DURATION: int(5),
  BENCH_ROUNDS: int(3),
  BENCH_CONNECTIONS: int(10),
  /** Sequential samples per fetch in the fan-out scenario. */
  BENCH_SAMPLES: int(200, 10),
  /** Jobs per side in the exchange scenario. */
  BENCH_JOBS: int(2_000, 10),
  /** Keep the database afterwards (to inspect it); dropped by default. */
  BENCH_KEEP_DB: z.enum(['0', '1']).default('0'),
  /** Which scenarios to run (comma-separated numbers), all by default. */
  BENCH_SCENARIOS: z
    .string()
    .regex(/^[1-5](,[1-5])*$/, 'a comma-separated list of scenario numbers 1-5')
    .default('1,2,3,4,5'),
  /**
   * Which system runs the scenarios: the all-in-one process (npm start), the production topology
   * (gateway, three subgraphs and the worker as separate processes, bench/production-system.ts), or
   * both, one after the other in the same run, each on its own copy of the seeded database.
   */
  BENCH_TOPOLOGY: z.enum(['all-in-one', 'production', 'both']).default('both'),
  /** Run the system processes with --cpu-prof; profiles go to bench/results/profiles. */
  BENCH_CPU_PROF: z.enum(['0', '1']).default('0'),
});

export type BenchConfig = ReturnType<typeof readBenchConfig>;

export function readBenchConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`bench configuration is invalid:\n${problems}`);
  }
  const e = parsed.data;
  return {
    adminDatabaseUrl: e.BENCH_DATABASE_URL,
    redisUrl: e.BENCH_REDIS_URL,
    sizes: { facilities: e.BENCH_FACILITIES, users: e.BENCH_USERS, subjects: e.BENCH_SUBJECTS, posts: e.BENCH_POSTS },
    load: {
      durationSeconds: e.BENCH_DURATION,
      rounds: e.BENCH_ROUNDS,
      connections: e.BENCH_CONNECTIONS,
      samples: e.BENCH_SAMPLES,
      jobs: e.BENCH_JOBS,
    },
    scenarios: new Set(e.BENCH_SCENARIOS.split(',').map(Number)),
    topologies: (e.BENCH_TOPOLOGY === 'both' ? ['all-in-one', 'production'] : [e.BENCH_TOPOLOGY]) as Array<
      'all-in-one' | 'production'
    >,
    keepDatabase: e.BENCH_KEEP_DB === '1',
    cpuProfile: e.BENCH_CPU_PROF === '1',
  };
}
