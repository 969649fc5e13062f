// Three tiers, told apart by where the file lives, each a jest project:
//   unit         *.test.ts beside the code: pure, no database, no network (a
//                socket opened there fails the test: test/support/no-network.ts);
//   integration  test/integration: one part at a time (a subgraph's services, a
//                job, the outbox, the TLS listener, migrations) against real
//                PostgreSQL and Redis, no whole system;
//   e2e          test/e2e: the whole system through the gateway (booted in-process
//                by test/support/test-system.ts, or as separate processes), the
//                two-installation exchange, the entry points.
// `npm test` runs all three; `npm run test:unit` (seconds), `test:integration`
// and `test:e2e` run one. Type checking is `npm run typecheck`; jest only
// strips the types, file by file, with SWC: on a cold cache (a clean clone in
// CI) it transpiles in about two thirds of ts-jest's CPU time. CommonJS, like
// tsconfig's node16 output for our .ts files, and, as there, a dynamic
// import() stays a real import() (fhir-kit-client is an ES module).
const swc = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs', ignoreDynamic: true },
  sourceMaps: 'inline',
};
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
};

const tiers = [
  {
    ...shared,
    displayName: 'unit',
    roots: [
      '<rootDir>/lib',
      '<rootDir>/subgraphs',
      '<rootDir>/adapters',
      '<rootDir>/gateway',
      '<rootDir>/start',
      '<rootDir>/scripts',
    ],
    testMatch: ['**/*.test.ts'],
    setupFilesAfterEnv: ['<rootDir>/test/support/no-network.ts'],
  },
  {
    ...shared,
    displayName: 'integration',
    roots: ['<rootDir>/test/integration'],
    testMatch: ['**/*.test.ts'],
  },
  { ...shared, displayName: 'e2e', roots: ['<rootDir>/test/e2e'], testMatch: ['**/*.test.ts'] },
];

// TEST_TIER=unit|integration|e2e runs one tier (npm run test:unit, …); file paths after it still filter.
const only = process.env.TEST_TIER;
if (only && !tiers.some((tier) => tier.displayName === only))
  throw new Error(`TEST_TIER must be one of ${tiers.map((tier) => tier.displayName).join(', ')}`);

const selected = only ? tiers.filter((tier) => tier.displayName === only) : tiers;

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  // Two workers for two cores. A third filled the e2e files' waits when nothing else ran, but in
  // CI, beside the type check and the lint, the run is CPU-bound: 347 s with three, 348 s with two.
  maxWorkers: 2,
  projects: selected,
  // The migrated template database and the run's CA, once for the whole run (a project's own global
  // set-up would run once per project), and only when a tier that needs them runs.
  ...(selected.some((tier) => tier.displayName !== 'unit') && {
    globalSetup: '<rootDir>/test/support/global-setup.ts',
    globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  }),
};
