// Query limits at the gateway, checked before Apollo sees the request: the
// token count while parsing, then one linear walk of the parsed document
// for depth, aliases, root fields, directives and a cost with list
// multipliers. Only what passes reaches graphql-js's validation (whose
// OverlappingFieldsCanBeMerged is quadratic in the worst case) and the query
// planner, and nothing that fails reaches a subgraph.
//
// Why not graphql-armor's rules: they are validation rules, so Apollo runs
// them inside graphql-js's validate() alongside the standard rules, after
// the expensive work has begun; and its cost rule has no list multipliers.
// We keep graphql-armor for what fits (blocking field suggestions, in
// gateway/server.ts) and measure the rest here, on the AST, in O(document).
//
// The cost: every field costs 1 per time it may be resolved. A field with a
// `first`/`last`/`limit` argument (given, from the request's variables, or
// the schema's default) returns that many items: if it is a list, its
// children count that many times; if it is a page, its list fields (`items`)
// do, and its other fields (`nextCursor`) once. Any other list field counts
// as `listSize` items. Fragments are
// measured once each (memoized), so nested fragment spreads cannot make the
// walk itself exponential; cycles count as nothing here and are refused by
// validation later.
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { OperationLimits } from '../lib/config';

export type LimitName = 'tokens' | 'depth' | 'aliases' | 'rootFields' | 'directives' | 'cost';

export interface OperationMeasures {
  depth: number;
  aliases: number;
  rootFields: number;
  directives: number;
  cost: number;
}

export type LimitCheck =
  | { kind: 'ok'; document: DocumentNode; measures: OperationMeasures; rootFieldNames: string[] }
  /** Not a GraphQL document: Apollo answers it (GRAPHQL_PARSE_FAILED) after parsing it again. */
  | { kind: 'syntax-error' }
  | { kind: 'too-complex'; limit: LimitName; measured: number; allowed: number };

const sizeArguments = new Set(['first', 'last', 'limit']);

interface Measure {
  cost: number;
  depth: number;
  aliases: number;
  directives: number;
}

const zero: Measure = { cost: 0, depth: 0, aliases: 0, directives: 0 };

/** Parses with the token limit, then measures every operation in the document against the limits. */
export function checkOperationLimits(
  query: string,
  options: {
    schema: GraphQLSchema;
    limits: OperationLimits;
    variables?: Record<string, unknown>;
    operationName?: string | null;
  },
): LimitCheck {
  const { limits } = options;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (error) {
    if (error instanceof GraphQLError && /Document contains more \w+ \d+ tokens/.test(error.message)) {
      return { kind: 'too-complex', limit: 'tokens', measured: limits.maxTokens + 1, allowed: limits.maxTokens };
    }
    return { kind: 'syntax-error' };
  }
  const measurer = new DocumentMeasurer(document, options.schema, limits.listSize, options.variables ?? {});
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const worst: OperationMeasures = { depth: 0, aliases: 0, rootFields: 0, directives: 0, cost: 0 };
  for (const operation of operations) {
    const rootType = options.schema.getRootType(operation.operation) ?? undefined;
    const m = measurer.selectionSet(withoutIntrospection(operation.selectionSet), rootType, undefined);
    const rootFields = measurer.rootFieldNames(operation.selectionSet).length;
    worst.depth = Math.max(worst.depth, m.depth);
    worst.aliases = Math.max(worst.aliases, m.aliases);
    worst.directives = Math.max(worst.directives, m.directives + (operation.directives?.length ?? 0));
    worst.cost = Math.max(worst.cost, m.cost);
    worst.rootFields = Math.max(worst.rootFields, rootFields);
  }
  const checks: Array<[LimitName, number, number]> = [
    ['depth', worst.depth, limits.maxDepth],
    ['aliases', worst.aliases, limits.maxAliases],
    ['rootFields', worst.rootFields, limits.maxRootFields],
    ['directives', worst.directives, limits.maxDirectives],
    ['cost', worst.cost, limits.maxCost],
  ];
  for (const [limit, measured, allowed] of checks) {
    if (measured > allowed) return { kind: 'too-complex', limit, measured, allowed };
  }
  const selected = options.operationName
    ? operations.find((o) => o.name?.value === options.operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  return {
    kind: 'ok',
    document,
    measures: worst,
    rootFieldNames: selected ? measurer.rootFieldNames(selected.selectionSet) : [],
  };
}

const introspectionRootFields = new Set(['__schema', '__type']);

/**
 * The root selections without introspection (`__schema`, `__type`), which
 * these limits do not measure: Apollo refuses introspection unless
 * GRAPHQL_INTROSPECTION is on, and when it is, graphql-js's standard
 * MaxIntrospectionDepthRule bounds its nesting (the cyclic `fields { type {
 * fields … } }` that makes introspection a denial of service). The standard
 * introspection query a schema explorer sends is deeper than any data query
 * needs to be (depth 13 against 8), so measuring it would refuse GraphiQL.
 * The token limit still applies to the whole document.
 */
function withoutIntrospection(selectionSet: SelectionSetNode): SelectionSetNode {
  const selections = selectionSet.selections.filter(
    (s) => !(s.kind === Kind.FIELD && introspectionRootFields.has(s.name.value)),
  );
  return selections.length === selectionSet.selections.length ? selectionSet : { ...selectionSet, selections };
}

class DocumentMeasurer {
  private readonly fragments: Map<string, FragmentDefinitionNode>;
  private readonly memo = new Map<string, Measure>();
  private readonly visiting = new Set<string>();

  constructor(
    document: DocumentNode,
    private readonly schema: GraphQLSchema,
    private readonly listSize: number,
    private readonly variables: Record<string, unknown>,
  ) {
    this.fragments = new Map(
      document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
    );
  }

  /** Root field names, through inline fragments and fragment spreads (each fragment once). */
  rootFieldNames(selectionSet: SelectionSetNode, seen = new Set<string>()): string[] {
    return selectionSet.selections.flatMap((s) => {
      if (s.kind === Kind.FIELD) return [s.name.value];
      if (s.kind === Kind.INLINE_FRAGMENT) return this.rootFieldNames(s.selectionSet, seen);
      const fragment = this.fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) return [];
      seen.add(s.name.value);
      return this.rootFieldNames(fragment.selectionSet, seen);
    });
  }

  /** The measure of a selection set resolved once (multiplier 1). */
  selectionSet(
    selectionSet: SelectionSetNode,
    parentType: GraphQLNamedType | undefined,
    pageSize: number | undefined,
  ): Measure {
    let cost = 0;
    let depth = 0;
    let aliases = 0;
    let directives = 0;
    for (const selection of selectionSet.selections) {
      directives += selection.directives?.length ?? 0;
      let child: Measure;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        const field = fieldOf(parentType, selection.name.value);
        const { factor, childPageSize } = this.listFactor(field, selection.arguments ?? [], pageSize);
        const inner = selection.selectionSet
          ? this.selectionSet(selection.selectionSet, field ? getNamedType(field.type) : undefined, childPageSize)
          : zero;
        child = {
          cost: 1 + factor * inner.cost,
          depth: 1 + inner.depth,
          aliases: inner.aliases,
          directives: inner.directives,
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parentType;
        child = this.selectionSet(selection.selectionSet, type ?? undefined, pageSize);
      } else {
        child = this.fragment(selection.name.value, pageSize);
      }
      cost += child.cost;
      depth = Math.max(depth, child.depth);
      aliases += child.aliases;
      directives += child.directives;
    }
    return { cost, depth, aliases, directives };
  }

  private fragment(name: string, pageSize: number | undefined): Measure {
    const key = `${name}:${pageSize ?? ''}`;
    const known = this.memo.get(key);
    if (known) return known;
    const fragment = this.fragments.get(name);
    if (!fragment || this.visiting.has(name)) return zero;
    this.visiting.add(name);
    const measure = this.selectionSet(
      fragment.selectionSet,
      this.schema.getType(fragment.typeCondition.name.value) ?? undefined,
      pageSize,
    );
    this.visiting.delete(name);
    const withOwn = { ...measure, directives: measure.directives + (fragment.directives?.length ?? 0) };
    this.memo.set(key, withOwn);
    return withOwn;
  }

  private listFactor(
    field: GraphQLField<unknown, unknown> | undefined,
    args: ReadonlyArray<{ name: { value: string }; value: Parameters<typeof valueFromASTUntyped>[0] }>,
    pageSize: number | undefined,
  ): { factor: number; childPageSize: number | undefined } {
    const isList = field !== undefined && isListType(getNullableType(field.type));
    const given = args.find((a) => sizeArguments.has(a.name.value));
    const defaulted = field?.args.find((a) => sizeArguments.has(a.name) && sizeOf(a.defaultValue) !== undefined);
    let size: number | undefined;
    if (given) {
      const fallback = field?.args.find((a) => a.name === given.name.value)?.defaultValue;
      size = sizeOf(valueFromASTUntyped(given.value, this.variables)) ?? sizeOf(fallback) ?? this.listSize;
    } else if (defaulted) {
      size = sizeOf(defaulted.defaultValue);
    }
    if (size !== undefined)
      return isList ? { factor: size, childPageSize: undefined } : { factor: 1, childPageSize: size };
    if (isList) return { factor: pageSize ?? this.listSize, childPageSize: undefined };
    return { factor: 1, childPageSize: undefined };
  }
}

function sizeOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(1, Math.floor(value)) : undefined;
}

function fieldOf(type: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (!type || !(isObjectType(type) || isInterfaceType(type))) return undefined;
  return type.getFields()[name];
}
