// `npm test` runs each tier's test files in a few jest files ("bundles") rather than one jest file
// each. Jest gives every test file a fresh module registry, so a file pays for loading the whole
// system (about 1,800 modules, 16 MB of JavaScript: Apollo, Prisma's query compiler, BullMQ, …)
// before its first test: about 2 CPU-seconds per end-to-end file, more than many of them spend
// testing. Measured on this 2-core machine, 20 end-to-end files took 81 CPU-s one by one and 37
// CPU-s as one bundle, with the same 113 tests passing.
//
// A bundle is test/bundles/<tier>-<n>.test.ts: it requires each of its files inside a describe
// named after the file (test/support/bundles.ts), so a file's hooks stay its own and a failure
// names the file. Each file still boots its own system over its own database; only the loaded
// modules are shared. The planner below spreads a tier's files over its bundles by their
// measured durations (durations.json), longest first, onto the least loaded bundle; a file it
// has no duration for counts as `unknownSeconds`. Every file of a tier is in exactly one bundle
// or runs on its own (`standalone`), by construction: a new file needs no registration.
//
// `npm run test:unit|integration|e2e` run the files one by one (each in its own registry), and
// take file paths: what to use while working on one file.
//
//   node test/bundles/plan.js                  prints the plan
//   node test/bundles/plan.js record <json>    refreshes durations.json from a one-by-one run's
//                                              `jest --json` output (npm run test:e2e -- --json …)
const fs = require('node:fs');
const path = require('node:path');
const tiers = require('../tiers');

const root = path.resolve(__dirname, '..', '..');
const durationsFile = path.join(__dirname, 'durations.json');
const unknownSeconds = 5;

/**
 * Files that stay jest files of their own: their time goes to the processes they start (the
 * entry points, PGlite's initdb), which a bundle cannot share, or they set a
 * file-wide timeout that must not spread to the files beside them.
 */
const standalone = new Set([
  'test/e2e/all-in-one.test.ts',
  'test/e2e/walkthrough.test.ts',
  'test/e2e/config-errors.test.ts',
  'test/e2e/admin-recovery.test.ts',
  'test/e2e/outbound-worker-crash.test.ts',
  'test/e2e/key-rotation.test.ts',
  'test/e2e/replicas.test.ts',
  'test/e2e/metrics-production.test.ts',
  'test/integration/embedded-database.test.ts',
]);

const skippedDirectories = new Set(['node_modules', 'dist', 'generated', '.data', 'coverage']);

/** A tier's test files, as repository-relative POSIX paths, sorted. */
function tierFiles(tier) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skippedDirectories.has(entry.name)) walk(relative);
      } else if (entry.name.endsWith('.test.ts')) found.push(relative);
    }
  };
  for (const dir of tier.roots) walk(dir);
  return found.sort();
}

function readDurations() {
  return JSON.parse(fs.readFileSync(durationsFile, 'utf8'));
}

/** The bundle files that exist for a tier (test/bundles/<tier>-<n>.test.ts), in order of n. */
function bundleNames(tierName) {
  const pattern = new RegExp(`^${tierName}-(\\d+)\\.test\\.ts$`);
  return fs
    .readdirSync(__dirname)
    .map((name) => name.match(pattern))
    .filter(Boolean)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((match) => `test/bundles/${match[0]}`);
}

/**
 * Every tier's bundles (file: the bundle's path; files: what it runs; seconds: their measured sum)
 * and standalone files, from the files on disk, the bundle files and the durations.
 */
function plan(durations = readDurations()) {
  const seconds = (file) => durations[file] ?? unknownSeconds;
  const bundles = [];
  const alone = [];
  const everyFile = tiers.flatMap(tierFiles);
  for (const file of standalone)
    if (!everyFile.includes(file)) throw new Error(`test/bundles/plan.js names ${file} standalone, but no tier has it`);
  for (const tier of tiers) {
    const files = tierFiles(tier);
    const mine = bundleNames(tier.name).map((file) => ({ tier: tier.name, file, files: [], seconds: 0 }));
    for (const file of files.filter((f) => standalone.has(f)))
      alone.push({ tier: tier.name, file, seconds: seconds(file) });
    const bundled = files.filter((f) => !standalone.has(f));
    if (bundled.length && !mine.length) throw new Error(`no bundle file for the ${tier.name} tier in test/bundles`);
    const longestFirst = [...bundled].sort((a, b) => seconds(b) - seconds(a) || a.localeCompare(b));
    for (const file of longestFirst) {
      const target = mine.reduce((least, bundle) => (bundle.seconds < least.seconds ? bundle : least));
      target.files.push(file);
      target.seconds += seconds(file);
    }
    for (const bundle of mine) bundle.files.sort();
    bundles.push(...mine);
  }
  return { bundles, standalone: alone };
}

/** The files a bundle runs, by the bundle's path (absolute or repository-relative). */
function bundleFiles(bundlePath) {
  const relative = path.relative(root, path.resolve(root, bundlePath)).split(path.sep).join('/');
  const bundle = plan().bundles.find((b) => b.file === relative);
  if (!bundle) throw new Error(`${relative} is not a bundle of test/bundles/plan.js`);
  return bundle.files;
}

/** How long each jest file of `npm test` is expected to take: the test sequencer runs the longest first. */
function expectedSeconds() {
  const { bundles, standalone: alone } = plan();
  return new Map([...bundles, ...alone].map((entry) => [path.join(root, entry.file), entry.seconds]));
}

/** durations.json from a one-by-one run's jest --json output; files not in it keep their old value. */
function record(resultsFile) {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  const durations = readDurations();
  for (const result of results.testResults) {
    const file = path.relative(root, result.name).split(path.sep).join('/');
    if (file.startsWith('test/bundles/'))
      throw new Error('record a one-by-one run (npm run test:<tier>), not npm test');
    durations[file] = Math.round((result.endTime - result.startTime) / 100) / 10;
  }
  const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(durationsFile, `${JSON.stringify(sorted, null, 2)}\n`);
}

module.exports = { plan, bundleFiles, expectedSeconds, standalone, tierFiles, unknownSeconds, record };

if (require.main === module) {
  const [command, argument] = process.argv.slice(2);
  if (command === 'record') record(argument);
  else {
    const { bundles, standalone: alone } = plan();
    for (const b of bundles) console.log(`${b.file}  ${b.seconds.toFixed(1)} s  ${b.files.length} files`);
    for (const s of alone) console.log(`${s.file}  ${s.seconds.toFixed(1)} s  (standalone)`);
  }
}
