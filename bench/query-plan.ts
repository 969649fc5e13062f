// The gateway's own query plan for a bench query (the same planner and
// supergraph the gateway uses), and a minimal executor that runs its fetches
// straight against the subgraphs, timing each. The critical path follows the
// plan's shape: a Sequence adds its steps, a Parallel costs its slowest
// branch. That is the floor the gateway's fan-out is compared with: the
// subgraphs' own work, with no gateway between.
//
// A Parallel's branches run at once, as the gateway runs them
// ('concurrent'), or one after another ('one-by-one'). Only the first is the
// same work as the gateway's: on a machine with fewer cores than busy
// subgraph processes (this one has two for five), branches started together
// wait for each other's CPU, and two branches to one subgraph share its one
// event loop; one after another, each branch has the machine to itself, so
// its slowest branch is a floor no executor reaches. Until 2026-12-06 the
// bench measured one by one; it still does, as an info row.
import { parse } from 'graphql';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import {
  QueryPlanner,
  prettyFormatQueryPlan,
  type FetchNode,
  type PlanNode,
  type QueryPlan,
  type QueryPlanSelectionNode,
} from '@apollo/query-planner';

export type SubgraphCall = (
  service: string,
  operation: string,
  variables: Record<string, unknown>,
) => Promise<{ data: Record<string, unknown>; ms: number }>;

export interface PlannedQuery {
  plan: QueryPlan;
  pretty: string;
  fetches: FetchNode[];
}

export function planQuery(supergraphSdl: string, query: string): PlannedQuery {
  const supergraph = Supergraph.build(supergraphSdl);
  const operation = operationFromDocument(supergraph.schema, parse(query), { validate: true });
  const plan = new QueryPlanner(supergraph).buildQueryPlan(operation);
  const fetches: FetchNode[] = [];
  const walk = (node: PlanNode | undefined): void => {
    if (!node) return;
    if (node.kind === 'Fetch') fetches.push(node);
    else if (node.kind === 'Flatten') walk(node.node);
    else if (node.kind === 'Sequence' || node.kind === 'Parallel') node.nodes.forEach(walk);
    else throw new Error(`the bench executor does not handle ${node.kind} nodes`);
  };
  walk(plan.node as PlanNode | undefined);
  return { plan, pretty: prettyFormatQueryPlan(plan), fetches };
}

type Json = Record<string, unknown>;

/** One timing per fetch (in plan order) and the plan's critical path, for one execution. */
export interface DirectExecution {
  fetchMs: number[];
  criticalPathMs: number;
  data: Json;
}

export async function executeDirect(
  planned: PlannedQuery,
  variables: Record<string, unknown>,
  call: SubgraphCall,
  parallel: 'concurrent' | 'one-by-one' = 'concurrent',
): Promise<DirectExecution> {
  const data: Json = {};
  const fetchMs: number[] = [];
  const run = async (node: PlanNode, path: Array<string | number>): Promise<number> => {
    switch (node.kind) {
      case 'Sequence': {
        let total = 0;
        for (const child of node.nodes) total += await run(child, path);
        return total;
      }
      case 'Parallel': {
        if (parallel === 'concurrent')
          return Math.max(0, ...(await Promise.all(node.nodes.map((child) => run(child, path)))));
        let slowest = 0;
        for (const child of node.nodes) slowest = Math.max(slowest, await run(child, path));
        return slowest;
      }
      case 'Flatten':
        return run(node.node, node.path);
      case 'Fetch': {
        if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length)
          throw new Error('rewrites are not handled');
        const vars = Object.fromEntries((node.variableUsages ?? []).map((name) => [name, variables[name]]));
        if (!node.requires) {
          const { data: result, ms } = await call(node.serviceName, node.operation, vars);
          deepMerge(data, result);
          fetchMs[planned.fetches.indexOf(node)] = ms;
          return ms;
        }
        // Representations, deduplicated as the gateway does; each answer goes back to every entity that asked.
        const entities = collect(data, path).filter((e): e is Json => e !== null && typeof e === 'object');
        const byKey = new Map<string, Json[]>();
        for (const entity of entities) {
          const representation = project(entity, node.requires);
          if (!representation) continue;
          const key = JSON.stringify(representation);
          byKey.set(key, [...(byKey.get(key) ?? []), entity]);
        }
        const representations = [...byKey.keys()].map((key) => JSON.parse(key) as Json);
        const { data: result, ms } = await call(node.serviceName, node.operation, { ...vars, representations });
        const answers = (result._entities ?? []) as Json[];
        [...byKey.values()].forEach((targets, i) => targets.forEach((entity) => deepMerge(entity, answers[i] ?? {})));
        fetchMs[planned.fetches.indexOf(node)] = ms;
        return ms;
      }
      default:
        throw new Error(`the bench executor does not handle ${node.kind} nodes`);
    }
  };
  const criticalPathMs = planned.plan.node ? await run(planned.plan.node as PlanNode, []) : 0;
  return { fetchMs, criticalPathMs, data };
}

function collect(value: unknown, path: Array<string | number>): unknown[] {
  if (path.length === 0) return [value];
  if (value === null || value === undefined) return [];
  const [head, ...rest] = path;
  if (head === '@') return Array.isArray(value) ? value.flatMap((item) => collect(item, rest)) : [];
  return collect((value as Json)[String(head)], rest);
}

function project(entity: Json, selections: readonly QueryPlanSelectionNode[]): Json | null {
  const out: Json = {};
  for (const selection of selections) {
    if (selection.kind === 'InlineFragment') {
      if (selection.typeCondition && selection.typeCondition !== entity.__typename) continue;
      const inner = project(entity, selection.selections);
      if (!inner) return null;
      Object.assign(out, inner);
    } else {
      const name = selection.alias ?? selection.name;
      const value = entity[name];
      if (value === undefined) return null;
      out[name] =
        selection.selections && value !== null
          ? Array.isArray(value)
            ? value.map((v) => project(v as Json, selection.selections!))
            : project(value as Json, selection.selections)
          : value;
    }
  }
  return Object.keys(out).length ? out : null;
}

function deepMerge(target: Json, source: Json): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (Array.isArray(existing) && Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item && typeof item === 'object' && existing[i] && typeof existing[i] === 'object')
          deepMerge(existing[i] as Json, item as Json);
        else existing[i] = item;
      });
    } else if (
      existing &&
      typeof existing === 'object' &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      deepMerge(existing as Json, value as Json);
    } else {
      target[key] = value;
    }
  }
}
