// The three test tiers, told apart by where a file lives: read by jest.config.js (one jest project
// per tier) and by test/support/bundles.ts (which groups each tier's files for `npm test`).
//   unit         *.test.ts beside the code: pure, no database, no network (a socket opened there
//                fails the test: test/support/no-network.ts);
//   integration  test/integration: one part at a time (a subgraph's services, a job, the outbox,
//                the TLS listener, migrations) against real PostgreSQL and Redis, no whole system;
//   e2e          test/e2e: the whole system through the gateway (booted in-process by
//                test/support/test-system.ts, or as separate processes), the two-installation
//                exchange, the entry points.
module.exports = [
  { name: 'unit', roots: ['lib', 'subgraphs', 'adapters', 'gateway', 'start', 'scripts', 'console'] },
  { name: 'integration', roots: ['test/integration'] },
  { name: 'e2e', roots: ['test/e2e'] },
];
