// The three tiers (test/tiers.js), each a jest project. `npm test` runs all three, each tier's files
// grouped in a few bundles (test/bundles/plan.js says why: modules load once per bundle instead of
// once per file); `npm run test:unit` (seconds), `test:integration` and `test:e2e` run one tier
// file by file, and take file paths. Type checking is `npm run typecheck`; jest only strips the
// types, file by file, with SWC (test/swc-options.js): on a cold cache (a clean clone in CI) it
// transpiles in about two thirds of ts-jest's CPU time.
const tiers = require('./test/tiers');
const { plan } = require('./test/bundles/plan');

const swc = require('./test/swc-options');
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
};

// TEST_BUNDLES=on (npm test): each tier runs its bundles and its standalone files.
const bundled = process.env.TEST_BUNDLES === 'on';
const bundlePlan = bundled ? plan() : undefined;

function project(tier) {
  const common = {
    ...shared,
    displayName: tier.name,
    // The unit tier's guard: no sockets (test/support/no-network.ts).
    ...(tier.name === 'unit' && { setupFilesAfterEnv: ['<rootDir>/test/support/no-network.ts'] }),
  };
  if (!bundlePlan)
    return { ...common, roots: tier.roots.map((dir) => `<rootDir>/${dir}`), testMatch: ['**/*.test.ts'] };
  const files = [...bundlePlan.bundles, ...bundlePlan.standalone].filter((entry) => entry.tier === tier.name);
  const dirs = new Set(files.map((entry) => entry.file.slice(0, entry.file.lastIndexOf('/'))));
  return {
    ...common,
    roots: [...dirs].map((dir) => `<rootDir>/${dir}`),
    testMatch: files.map((entry) => `<rootDir>/${entry.file}`),
  };
}

const all = tiers.map(project);

// TEST_TIER=unit|integration|e2e runs one tier (npm run test:unit, …); file paths after it still filter.
const only = process.env.TEST_TIER;
if (only && !all.some((tier) => tier.displayName === only))
  throw new Error(`TEST_TIER must be one of ${all.map((tier) => tier.displayName).join(', ')}`);

const selected = only ? all.filter((tier) => tier.displayName === only) : all;

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  // Three workers on two cores: the files wait on sockets, timers and the processes they start, and a
  // third worker fills those waits. Clean-clone .ci/run on this machine, 2026-12-06: 376 s with two
  // (the machine idle for 145 of its 744 CPU-s), 344 s with three (68 idle), 334 s with four (33 idle:
  // saturated, no better than three within the runs' spread, and more memory).
  maxWorkers: 3,
  projects: selected,
  testSequencer: '<rootDir>/test/bundles/sequencer.js',
  // The migrated template database and the run's CA, once for the whole run (a project's own global
  // set-up would run once per project), and only when a tier that needs them runs.
  ...(selected.some((tier) => tier.displayName !== 'unit') && {
    globalSetup: '<rootDir>/test/support/global-setup.ts',
    globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  }),
};
