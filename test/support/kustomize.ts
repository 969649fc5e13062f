// Renders a kustomization the way `kubectl kustomize` does, for the fields
// deploy/k8s uses and no others (no kustomize binary or cluster on the build
// machines, and no npm package renders kustomizations): resources (files
// and directories), namespace, labels, images, replicas and strategic-merge
// patches by kind and name. A field it does not know stops the rendering,
// so a kustomization cannot silently use something this never applied.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
};

export interface Rendered {
  objects: K8sObject[];
  /** Every file read, relative to the kustomization's directory: what was rendered from what. */
  files: string[];
}

const supported = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'replicas', 'patches']);

/** Kinds whose objects live in a namespace (those deploy/k8s uses). */
const clusterScoped = new Set(['Namespace']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readYamlObjects(file: string): K8sObject[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return [];
    if (!isRecord(value) || typeof value.kind !== 'string' || !isRecord(value.metadata))
      throw new Error(`${file}: a document without kind or metadata`);
    return [value as K8sObject];
  });
}

export function keyOf(object: Pick<K8sObject, 'kind' | 'metadata'>): string {
  return `${object.kind}/${object.metadata.name}`;
}

/**
 * A strategic merge patch as kustomize applies it to these objects: maps
 * merge key by key, lists of maps that all have a `name` merge by name,
 * other lists and scalars are replaced; null deletes.
 */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (isRecord(base) && isRecord(patch)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      const next = strategicMerge(base[key], value);
      if (next === undefined) delete merged[key];
      else merged[key] = next;
    }
    return merged;
  }
  const named = (list: unknown): list is Array<Record<string, unknown>> =>
    Array.isArray(list) && list.every((item) => isRecord(item) && typeof item.name === 'string');
  if (named(base) && named(patch)) {
    const merged = base.map((item) => {
      const change = patch.find((p) => p.name === item.name);
      return change ? (strategicMerge(item, change) as Record<string, unknown>) : item;
    });
    return [...merged, ...patch.filter((p) => !base.some((item) => item.name === p.name))];
  }
  return patch;
}

/** The pod template of a workload, where there is one. */
export function podTemplateOf(object: K8sObject): Record<string, unknown> | undefined {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (object.kind === 'CronJob') {
    const jobTemplate = spec?.jobTemplate as { spec?: { template?: Record<string, unknown> } } | undefined;
    return jobTemplate?.spec?.template;
  }
  return spec?.template as Record<string, unknown> | undefined;
}

export function containersOf(object: K8sObject): Array<Record<string, unknown>> {
  const podSpec = podTemplateOf(object)?.spec as Record<string, unknown> | undefined;
  return [
    ...((podSpec?.initContainers as Array<Record<string, unknown>> | undefined) ?? []),
    ...((podSpec?.containers as Array<Record<string, unknown>> | undefined) ?? []),
  ];
}

export function renderKustomization(dir: string): Rendered {
  const file = path.join(dir, 'kustomization.yaml');
  const kustomization: unknown = parseAllDocuments(fs.readFileSync(file, 'utf8'))[0]?.toJS();
  if (!isRecord(kustomization) || kustomization.kind !== 'Kustomization')
    throw new Error(`${file}: not a Kustomization`);
  const unknown = Object.keys(kustomization).filter((key) => !supported.has(key));
  if (unknown.length > 0) throw new Error(`${file}: fields this renderer does not apply: ${unknown.join(', ')}`);
  const files = ['kustomization.yaml'];
  let objects: K8sObject[] = [];
  for (const resource of (kustomization.resources as string[] | undefined) ?? []) {
    const target = path.join(dir, resource);
    if (!fs.existsSync(target)) throw new Error(`${file}: resource ${resource} does not exist`);
    if (fs.statSync(target).isDirectory()) {
      const inner = renderKustomization(target);
      objects.push(...inner.objects);
      files.push(...inner.files.map((f) => path.join(resource, f)));
    } else {
      objects.push(...readYamlObjects(target));
      files.push(resource);
    }
  }
  const duplicates = objects.map(keyOf).filter((key, i, all) => all.indexOf(key) !== i);
  if (duplicates.length > 0) throw new Error(`${file}: objects defined twice: ${duplicates.join(', ')}`);

  for (const entry of (kustomization.labels as Array<Record<string, unknown>> | undefined) ?? []) {
    const pairs = entry.pairs as Record<string, string>;
    if (entry.includeSelectors === true) throw new Error(`${file}: labels with includeSelectors are not applied here`);
    objects = objects.map((object) => {
      const labelled = { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, ...pairs } } };
      const template = podTemplateOf(labelled);
      if (entry.includeTemplates === true && template) {
        const metadata = (template.metadata as { labels?: Record<string, string> } | undefined) ?? {};
        template.metadata = { ...metadata, labels: { ...metadata.labels, ...pairs } };
      }
      return structuredClone(labelled);
    });
  }

  for (const patchEntry of (kustomization.patches as Array<Record<string, unknown>> | undefined) ?? []) {
    if (typeof patchEntry.path !== 'string' || patchEntry.target !== undefined || patchEntry.patch !== undefined)
      throw new Error(`${file}: only patches by path (strategic merge, target from the patch) are applied here`);
    files.push(patchEntry.path);
    for (const patch of readYamlObjects(path.join(dir, patchEntry.path))) {
      const index = objects.findIndex((o) => keyOf(o) === keyOf(patch));
      if (index < 0)
        throw new Error(`${file}: patch ${patchEntry.path} targets ${keyOf(patch)}, which no resource defines`);
      objects[index] = strategicMerge(objects[index], patch) as K8sObject;
    }
  }

  for (const entry of (kustomization.replicas as Array<{ name: string; count: number }> | undefined) ?? []) {
    const target = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === entry.name);
    if (!target) throw new Error(`${file}: replicas for ${entry.name}, which is no Deployment`);
    (target.spec as Record<string, unknown>).replicas = entry.count;
  }

  for (const entry of (kustomization.images as Array<Record<string, string>> | undefined) ?? []) {
    let used = false;
    for (const object of objects)
      for (const container of containersOf(object)) {
        const [name = '', tag] = String(container.image).split(':');
        if (name !== entry.name) continue;
        used = true;
        container.image = `${entry.newName ?? name}:${entry.newTag ?? tag ?? 'latest'}`;
      }
    if (!used) throw new Error(`${file}: image ${entry.name} is used by no container`);
  }

  if (typeof kustomization.namespace === 'string')
    for (const object of objects)
      if (!clusterScoped.has(object.kind)) object.metadata.namespace = kustomization.namespace;

  return { objects, files };
}
