// Composes the supergraph from the three subgraphs' schema.graphql files
// with @apollo/composition: no network, no hand-written supergraph. The URLs
// written into the supergraph are placeholders; the gateway always takes the
// real ones from config.
import { composeServices } from '@apollo/composition';
import { subgraphNames, type SubgraphName } from '../lib/config';
import { loadSubgraphSchema } from '../lib/subgraph-schema';
import type { DocumentNode, GraphQLSchema } from 'graphql';

export type Composition = { ok: true; supergraphSdl: string; hints: string[] } | { ok: false; errors: string[] };

export function placeholderUrl(name: SubgraphName): string {
  return `http://${name}.subgraph.invalid/graphql`;
}

export function composeSupergraph(
  schemas: Record<SubgraphName, DocumentNode> = Object.fromEntries(
    subgraphNames.map((n) => [n, loadSubgraphSchema(n)]),
  ) as Record<SubgraphName, DocumentNode>,
): Composition {
  const result = composeServices(
    subgraphNames.map((name) => ({ name, typeDefs: schemas[name], url: placeholderUrl(name) })),
  );
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl, hints: result.hints.map((h) => h.toString()) };
}

/** The schema clients see (the supergraph without federation's machinery): what the console's documents are typed against. */
export function composeApiSchema(): GraphQLSchema {
  const result = composeServices(
    subgraphNames.map((name) => ({ name, typeDefs: loadSubgraphSchema(name), url: placeholderUrl(name) })),
  );
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.schema.toAPISchema().toGraphQLJSSchema();
}
