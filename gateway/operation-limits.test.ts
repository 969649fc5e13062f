import fs from 'node:fs';
import { buildASTSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { defaultOperationLimits, type OperationLimits } from '../lib/config';
import { repoPath } from '../lib/repo-paths';
import { checkOperationLimits } from './operation-limits';

// The supergraph's types are what the gateway measures against (its API schema in production).
const schema = buildASTSchema(parse(fs.readFileSync(repoPath('gateway', 'supergraph.graphql'), 'utf8')), {
  assumeValidSDL: true,
});
const limits: OperationLimits = { ...defaultOperationLimits };
const check = (query: string, overrides: Partial<OperationLimits> = {}, variables: Record<string, unknown> = {}) =>
  checkOperationLimits(query, { schema, limits: { ...limits, ...overrides }, variables });
const aliases = (n: number, field = 'room(id: "r") { title }') =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

describe('checkOperationLimits', () => {
  it('passes an ordinary paginated query and measures it', () => {
    const result = check(
      'query($r: ID!) { room(id: $r) { title timeline(first: 20) { items { id body author { name } } nextCursor } } }',
    );
    expect(result).toMatchObject({
      kind: 'ok',
      rootFieldNames: ['room'],
      measures: { depth: 5, aliases: 0, rootFields: 1 },
    });
    // room + title + timeline + nextCursor once, items 20 times over (id, body, author, name).
    if (result.kind === 'ok') expect(result.measures.cost).toBe(1 + 1 + 1 + 1 + (1 + 20 * 4));
  });

  it('refuses too many tokens while parsing', () => {
    expect(check(aliases(3000))).toEqual({
      kind: 'too-complex',
      limit: 'tokens',
      measured: limits.maxTokens + 1,
      allowed: limits.maxTokens,
    });
  });

  it('refuses 3,000 aliases on the alias count when the token limit is raised', () => {
    // Parsing 30,000 tokens alone takes tens of milliseconds: the token limit is what keeps the refusal fast (test/e2e/gateway-abuse-limits.test.ts times it).
    expect(check(aliases(3000), { maxTokens: 100_000 })).toMatchObject({
      kind: 'too-complex',
      limit: 'aliases',
      measured: 3000,
      allowed: limits.maxAliases,
    });
  });

  it('counts depth, root fields and directives', () => {
    const deep = '{ me { user { facility { users { facility { users { facility { users { id } } } } } } } } }';
    expect(check(deep)).toMatchObject({ kind: 'too-complex', limit: 'depth' });
    expect(
      check(`{ ${Array.from({ length: 11 }, (_, i) => `f${i}: me { user { id } }`).join(' ')} }`, { maxAliases: 100 }),
    ).toMatchObject({ kind: 'too-complex', limit: 'rootFields', measured: 11 });
    expect(
      check(
        `{ me @skip(if: false) { ${Array.from({ length: 11 }, () => '__typename @include(if: true)').join(' ')} } }`,
      ),
    ).toMatchObject({ kind: 'too-complex', limit: 'directives', measured: 12 });
  });

  it('multiplies list children by `first` (given, from variables, or the schema default) and unpaginated lists by listSize', () => {
    const timeline = 'query($n: Int) { rooms(first: $n) { items { timeline(first: $n) { items { id body } } } } }';
    const small = check(timeline, {}, { n: 5 });
    const big = check(timeline, {}, { n: 100 });
    expect(small.kind).toBe('ok');
    expect(big).toMatchObject({ kind: 'too-complex', limit: 'cost' });
    const defaulted = check('{ rooms { items { id } } }');
    expect(defaulted.kind).toBe('ok');
    if (defaulted.kind === 'ok') expect(defaulted.measures.cost).toBe(1 + 1 + 50); // rooms(first: Int = 50) { items { id } }
    const unpaginated = check('{ me { user { id } } rooms { items { id memberCount } } }');
    expect(unpaginated.kind).toBe('ok');
  });

  it('measures fragments once each, so nested spreads cannot make the walk exponential', () => {
    const levels = 30;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Query { ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : '__typename'} }`,
    ).join('\n');
    const started = performance.now();
    const result = check(`{ ...F0 }\n${fragments}`, { maxTokens: 100_000 });
    expect(performance.now() - started).toBeLessThan(50);
    // 2^29 fields once expanded: refused on cost, computed without expanding.
    expect(result).toMatchObject({ kind: 'too-complex', limit: 'cost' });
  });

  it('leaves syntax errors and fragment cycles to Apollo (which answers them)', () => {
    expect(check('{ room(id: "x") { title }')).toEqual({ kind: 'syntax-error' });
    expect(check('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }').kind).toBe('ok');
  });

  it("leaves introspection to Apollo and graphql-js: a schema explorer's query passes, the same depth of data does not", () => {
    const introspection = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true });
    expect(check(introspection)).toMatchObject({ kind: 'ok', rootFieldNames: ['__schema'] });
    expect(check(`{ __type(name: "Room") { fields { type { ofType { ofType { ofType { name } } } } } } }`).kind).toBe(
      'ok',
    );
    // Data beside introspection is still measured.
    expect(
      check(
        `{ __schema { queryDirectives: directives { name } } ${'room(id: "r") { '.repeat(9)}title${' }'.repeat(9)} }`,
      ),
    ).toMatchObject({
      kind: 'too-complex',
      limit: 'depth',
    });
    // The cyclic nesting that makes introspection a denial of service is graphql-js's standard rule's to refuse.
    const nested = 'types { fields { type { fields { type { fields { type { fields { name } } } } } } } }';
    const cyclic = parse(`{ __schema { ${nested} } }`);
    expect(validate(schema, cyclic, specifiedRules).map((e) => e.message)).toEqual([
      'Maximum introspection depth exceeded',
    ]);
  });
});
