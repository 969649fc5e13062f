// The supergraph is composed from the subgraphs' own schema files; a schema
// change that breaks composition must fail here (and in `npm run compose`).
import fs from 'node:fs';
import { parse } from 'graphql';
import { composeSupergraph } from '../../gateway/compose';
import { supergraphPath } from '../../gateway/supergraph-file';
import { loadSubgraphSchema } from '../../lib/subgraph-schema';

describe('supergraph composition', () => {
  it('composes the three subgraphs without errors', () => {
    const composition = composeSupergraph();
    if (!composition.ok) throw new Error(composition.errors.join('\n'));
    expect(composition.supergraphSdl).toContain('join__Graph');
    for (const name of ['IDENTITY', 'ROOMS', 'CONSENT'])
      expect(composition.supergraphSdl).toContain(`${name} @join__graph`);
  });

  it('matches the generated supergraph file the gateway serves', () => {
    const composition = composeSupergraph();
    expect(composition.ok).toBe(true);
    if (composition.ok) expect(fs.readFileSync(supergraphPath, 'utf8')).toContain(composition.supergraphSdl);
  });

  it('reports errors when subgraphs disagree', () => {
    const broken = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      type Room @key(fields: "id") { id: ID! title: Int! }
    `);
    const composition = composeSupergraph({
      identity: loadSubgraphSchema('identity'),
      rooms: loadSubgraphSchema('rooms'),
      consent: broken,
    });
    expect(composition.ok).toBe(false);
    if (!composition.ok) expect(composition.errors.join('\n')).toMatch(/Room\.title/);
  });
});
