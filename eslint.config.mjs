// The guards a reviewer would otherwise have to remember (npm run lint, part of .ci/run), the
// rules that need no type information:
// - a type imported as a value, duplicate imports, unused names;
// - boundaries: a subgraph never imports another (they meet only through the
//   graph), lib/ imports no subgraph, adapter or gateway, and nothing imports a
//   test helper outside test code.
// The rules that need the type checker (a promise nobody awaits or one used as a condition) and the
// import-cycle check run in oxlint with the type check itself (.oxlintrc.json): one TypeScript 7
// program instead of two TypeScript 5 ones: 13 CPU-s instead of about 120 here (README, Tests).
// Formatting is oxfmt's (npm run format, .oxfmtrc.jsonc), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';

const subgraphs = ['identity', 'rooms', 'consent'];

/**
 * A subgraph may import lib/ and itself; never another subgraph, the adapters or the gateway.
 * Its tests too: a test beside a subgraph's code that reached into another subgraph would hide a
 * dependency the running system does not have.
 */
const subgraphBoundaries = subgraphs.map((name) => ({
  files: [`subgraphs/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...subgraphs
            .filter((other) => other !== name)
            .map((other) => ({
              group: [`**/subgraphs/${other}/**`, `../${other}/**`, `../../${other}/**`],
              message: `subgraphs do not import each other: ${name} meets ${other} only through federation keys`,
            })),
          {
            group: ['**/adapters/**', '**/gateway/**', '**/start/**'],
            message: 'a subgraph does not depend on the adapters, the gateway or the process wiring',
          },
          { group: ['**/test/**'], message: 'test helpers are for tests' },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'generated/', '.data/', 'coverage/', 'bench/results/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'import-x/no-duplicates': ['error', { 'prefer-inline': true }],
      // Japanese text is written with ideographic spaces (「たかおか　たろう」) in names, comments and test data.
      'no-irregular-whitespace': [
        'error',
        { skipComments: true, skipStrings: true, skipTemplates: true, skipRegExps: true },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/test/**'], message: 'test helpers are for tests' }] },
      ],
    },
  },
  {
    // The adapters (FHIR boundary, partner client, jobs) use a subgraph's services only through the
    // subgraph's public index.ts: what a subgraph offers the worker is one list a reviewer can read.
    files: ['adapters/**/*.ts'],
    ignores: ['adapters/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/subgraphs/*/**'],
              message: "adapters import a subgraph only through its public index.ts (e.g. '../../subgraphs/rooms')",
            },
            {
              group: ['**/gateway/**', '**/start/**'],
              message: 'the adapters do not depend on the gateway or the process wiring',
            },
            { group: ['**/test/**'], message: 'test helpers are for tests' },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/subgraphs/**', '**/adapters/**', '**/gateway/**', '**/start/**'],
              message: 'lib/ is shared plumbing: it depends on nothing above it',
            },
            { group: ['**/test/**'], message: 'test helpers are for tests' },
          ],
        },
      ],
    },
  },
  {
    // Tests may use anything, including each other's helpers, and assert on `any` values.
    files: ['test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // ...except that a subgraph's own tests keep its boundaries (last, so the line above does not lift them).
  ...subgraphBoundaries,
  prettier,
);
