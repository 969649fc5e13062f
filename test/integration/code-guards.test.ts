// The code guards of `npm run typecheck` and `npm run lint` fail on what they exist to catch. Each
// is run as CI runs it, on small files written for the purpose: the type check and its typed rules
// (oxlint with TypeScript 7, the repository's own .oxlintrc.json) in a scratch project, the lint's
// boundaries and untyped rules (oxlint with the same .oxlintrc.json) on files placed at the paths
// inside a scratch copy of the repository's layout that the rules are about, and the formatting
// (oxfmt with the repository's .oxfmtrc.jsonc) on a scratch file. A guard that passed these files
// would pass the mistakes too.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../lib/repo-paths';

const run = promisify(execFile);

describe('the type check (oxlint, TypeScript 7, .oxlintrc.json)', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-guards-'));
    fs.copyFileSync(path.join(repoRoot, '.oxlintrc.json'), path.join(dir, '.oxlintrc.json'));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'node16', target: 'ES2022', noEmit: true } }),
    );
    const files: Record<string, string> = {
      // An import cycle: a.ts → b.ts → a.ts.
      'a.ts': "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
      'b.ts': "import { a } from './a';\nexport const b = (): number => (typeof a === 'function' ? 1 : 2);\n",
      // A promise nobody awaits, and one used as a condition (a filter's predicate: TypeScript itself
      // already refuses one in an `if`).
      'promises.ts': [
        'async function save(): Promise<void> {}',
        'export function forgetful(): void {',
        '  save();',
        '}',
        'export function confused(): void {',
        '  console.log([1, 2].filter(async (n) => n > 1));',
        '}',
        '',
      ].join('\n'),
      // A type error.
      'types.ts': "export const count: number = 'three';\n",
      // What the rules allow: an awaited promise, one handed to `void` on purpose, no cycle.
      'fine.ts': [
        'async function save(): Promise<void> {}',
        'export async function careful(): Promise<void> {',
        '  await save();',
        '  void save();',
        '}',
        '',
      ].join('\n'),
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports the cycle, both promise mistakes and the type error, and nothing in the file that is fine', async () => {
    const oxlint = path.join(repoRoot, 'node_modules', '.bin', 'oxlint');
    const failed = await run(oxlint, ['--type-aware', '--type-check', '--deny-warnings', '--format', 'json', '.'], {
      cwd: dir,
    }).then(
      () => null,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    // Once (2026-12-07, with the machine saturated) oxlint printed "Failed to …" instead of its report:
    // say what it printed rather than only that it was not JSON.
    const printed = `exit ${String(failed?.code)}\n--- stdout ---\n${failed?.stdout ?? ''}\n--- stderr ---\n${failed?.stderr ?? ''}`;
    if (failed?.code !== 1 || !failed.stdout?.trimStart().startsWith('{'))
      throw new Error(`oxlint gave no report:\n${printed}`);
    const report = JSON.parse(failed.stdout) as { diagnostics: { code: string; filename: string }[] };
    const found = report.diagnostics.map((d) => `${path.basename(d.filename)} ${d.code}`).sort();
    expect(found).toEqual([
      'a.ts import(no-cycle)',
      'b.ts import(no-cycle)',
      'promises.ts typescript(no-floating-promises)',
      'promises.ts typescript(no-misused-promises)',
      'types.ts typescript(TS2322)',
    ]);
  }, 60_000);
});

describe("the lint's boundaries and untyped rules (oxlint, .oxlintrc.json)", () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-lint-'));
    fs.copyFileSync(path.join(repoRoot, '.oxlintrc.json'), path.join(dir, '.oxlintrc.json'));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** What `npm run lint`'s oxlint says of `text` placed at `at` (a path the rules' globs are about). */
  const problems = async (at: string, text: string) => {
    const file = path.join(dir, at);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    const oxlint = path.join(repoRoot, 'node_modules', '.bin', 'oxlint');
    const report = await run(oxlint, ['--deny-warnings', '--format', 'json', at], { cwd: dir }).then(
      (done) => done.stdout,
      (error: { stdout?: string }) => error.stdout ?? '',
    );
    fs.rmSync(file);
    const { diagnostics } = JSON.parse(report) as { diagnostics: { code: string; help?: string }[] };
    return diagnostics.map((d) => `${d.code}: ${d.help ?? ''}`);
  };

  it('refuses a subgraph importing another subgraph, in its code and in its tests', async () => {
    const text = "import { anything } from '../identity/services/users';\nexport const x = anything;\n";
    for (const at of ['subgraphs/rooms/reach.ts', 'subgraphs/rooms/reach.test.ts'])
      expect(await problems(at, text)).toEqual([
        'eslint(no-restricted-imports): subgraphs do not import each other: rooms meets identity only through federation keys',
      ]);
  }, 60_000);

  it("refuses an adapter reaching inside a subgraph, and allows the subgraph's public index", async () => {
    const inside = "import { x } from '../../subgraphs/rooms/services/rooms';\nexport const y = x;\n";
    expect(await problems('adapters/jobs/reach.ts', inside)).toEqual([
      expect.stringContaining('adapters import a subgraph only through its public index.ts'),
    ]);
    const viaIndex = "import { x } from '../../subgraphs/rooms';\nexport const y = x;\n";
    expect(await problems('adapters/jobs/reach.ts', viaIndex)).toEqual([]);
  }, 60_000);

  it('refuses lib/ depending on what is above it, and code outside the tests using a test helper', async () => {
    const text =
      "import { x } from '../subgraphs/rooms';\nimport { y } from '../test/support/actors';\nexport const z = [x, y];\n";
    expect(await problems('lib/reach.ts', text)).toEqual([
      'eslint(no-restricted-imports): lib/ is shared plumbing: it depends on nothing above it',
      'eslint(no-restricted-imports): test helpers are for tests',
    ]);
    const helper = "import { y } from '../../test/support/actors';\nexport const z = y;\n";
    expect(await problems('gateway/console/reach.ts', helper)).toEqual([
      'eslint(no-restricted-imports): test helpers are for tests',
    ]);
  }, 60_000);

  it('refuses a type imported as a value, a duplicate import and an unused name', async () => {
    const text =
      "import { Foo } from './foo';\nimport { Bar } from './foo';\nconst unused = 1;\nexport const f = (x: Foo): Bar => x;\n";
    expect((await problems('lib/reach.ts', text)).map((p) => p.split(':')[0]).sort()).toEqual([
      'eslint(no-unused-vars)',
      'import(no-duplicates)',
      'typescript(consistent-type-imports)',
      'typescript(consistent-type-imports)',
    ]);
  }, 60_000);
});

describe('the formatting check (oxfmt, .oxfmtrc.jsonc)', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-format-'));
    fs.copyFileSync(path.join(repoRoot, '.oxfmtrc.jsonc'), path.join(dir, '.oxfmtrc.jsonc'));
    // Double quotes, a missing trailing comma and a line past 120 columns; and the same code as the
    // repository writes it.
    const long = Array.from({ length: 12 }, (_, i) => `'value-${i}'`).join(', ');
    fs.writeFileSync(
      path.join(dir, 'unformatted.ts'),
      `export const names = ["a", "b"];\nexport const all = [${long}];\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'formatted.ts'),
      "export const names = ['a', 'b'];\nexport function pair(first: string, second: string): string[] {\n  return [first, second];\n}\n",
    );
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the file written otherwise, and only that one', async () => {
    const oxfmt = path.join(repoRoot, 'node_modules', '.bin', 'oxfmt');
    const failed = await run(oxfmt, ['--list-different'], { cwd: dir }).then(
      () => null,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout?.trim().split('\n')).toEqual(['unformatted.ts']);
  }, 60_000);
});
