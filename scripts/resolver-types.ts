// Writes each subgraph's resolver types, generated/graphql/<name>-resolvers.ts,
// with GraphQL Code Generator's typescript and typescript-resolvers plugins
// from the subgraph's schema (lib/subgraph-schema.ts). Run by
// scripts/generate.ts (npm run generate) when its inputs changed.
//
// - Parents are the rows resolvers really receive: `mappers` name, per
//   subgraph, the Prisma model (or a type in the subgraph's
//   resolvers/parents.ts) each GraphQL type is resolved from. A type without
//   a mapper is resolved from an object of its GraphQL shape.
// - `federation: true` adds __resolveReference, typed with the entity's key
//   (and @requires) fields. The schema is built without validating
//   directives, so the Federation 2 ones imported by `@link` need no
//   definitions offline; the plugin adds its own @key, @requires, @provides
//   and @external, the only ones it reads.
// - Enums are string unions, the same literals as Prisma's enums.
// - Arguments are typed for shape only: their content is still checked by
//   zod in the resolvers (lib/input.ts).
// - No index signature (useIndexSignature): a resolver for a field the schema
//   does not have is an error. Resolver maps are checked with `satisfies`, so
//   their own (callable) types stay as written for the tests that call them.
//
// @graphql-codegen/core rather than the CLI: the same plugins, without the
// CLI's config loader, watcher and fetch layer (whose dependencies want
// Node 22).
import fs from 'node:fs';
import path from 'node:path';
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as resolversPlugin from '@graphql-codegen/typescript-resolvers';
import { subgraphNames, type SubgraphName } from '../lib/config';
import { repoPath } from '../lib/repo-paths';
import { loadSubgraphSchema } from '../lib/subgraph-schema';

const prismaModels = '../prisma/client#';
const parentsOf = (name: SubgraphName) => `../../subgraphs/${name}/resolvers/parents`;

/**
 * GraphQL type → what its resolvers receive, per subgraph. `Model` names a
 * Prisma model of generated/prisma/client; anything else is `module#Type`,
 * relative to generated/graphql/. An entity another subgraph owns (rooms' and
 * consent's Subject, consent's Room) is its key there.
 */
const parents: Record<SubgraphName, Record<string, string>> = {
  identity: {
    Facility: 'Model',
    Subject: 'Model',
    OrgUnit: 'Model',
    User: 'Model',
    Application: 'Model',
    ApplicationStep: 'Model',
    AuditEvent: 'Model',
    ClientCertificate: 'Model',
    CertificateExpiryNotice: 'Model',
    SystemRestriction: 'Model',
    FaultReport: 'Model',
    FaultStep: 'Model',
    Partner: 'Model',
    ExistenceCheck: `${parentsOf('identity')}#ExistenceCheckParent`,
    DisclosureReport: `${parentsOf('identity')}#DisclosureReportParent`,
    DisclosedAccess: `${parentsOf('identity')}#DisclosedAccessParent`,
    ExchangeIdentity: `${parentsOf('identity')}#ExchangeIdentityParent`,
  },
  rooms: {
    Room: 'Model',
    RoomNotice: 'Model',
    RoomMember: 'Model',
    Post: 'Model',
    PostRevision: 'Model',
    Meeting: 'Model',
    ExistenceCheck: 'Model',
    ExistenceCheckStep: 'Model',
    RoomApplication: 'Model',
    RoomApplicationStep: 'Model',
    Subject: `${parentsOf('rooms')}#SubjectRef`,
    DisclosureReport: `${parentsOf('rooms')}#DisclosureReportParent`,
    DisclosedRoom: `${parentsOf('rooms')}#DisclosedRoomParent`,
    // Break-glass (subgraphs/rooms/emergency/).
    EmergencyAccess: `${parentsOf('rooms')}#EmergencyAccessParent`,
    DisclosedEmergencyAccess: `${parentsOf('rooms')}#DisclosedEmergencyAccessParent`,
    // The partner exchange (subgraphs/rooms/exchange/).
    OutboundJoinRequest: 'Model',
    OutboundJoinStep: 'Model',
    ExternalMembership: 'Model',
    ExchangeDeadLetter: 'Model',
    RoomShareCode: 'Model',
    InboundJoinRequest: 'Model',
    InboundJoinStep: 'Model',
    ExternalParticipant: 'Model',
  },
  consent: {
    ConsentRecord: 'Model',
    LegalException: 'Model',
    DisclosureRequest: 'Model',
    DisclosureExport: 'Model',
    WithheldPart: `${prismaModels}DisclosureWithholding`,
    Subject: `${parentsOf('consent')}#SubjectRef`,
    Room: `${parentsOf('consent')}#RoomReference`,
    DisclosureReport: `${parentsOf('consent')}#DisclosureReportParent`,
  },
};

function mappersFor(name: SubgraphName): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parents[name]).map(([type, source]) => [
      type,
      source === 'Model' ? `${prismaModels}${type}` : source,
    ]),
  );
}

function config(name: SubgraphName) {
  const contextName = `${name[0]!.toUpperCase()}${name.slice(1)}Context`;
  return {
    federation: true,
    contextType: `../../subgraphs/${name}/context#${contextName}`,
    mappers: mappersFor(name),
    mapperTypeSuffix: 'Model',
    enumsAsTypes: true,
    useTypeImports: true,
    scalars: {
      ID: { input: 'string', output: 'string' },
      // Prisma's @db.Date columns are Dates; lib/scalars.ts serializes Dates and strings.
      Date: { input: 'string', output: 'Date | string' },
      DateTime: { input: 'string', output: 'Date' },
    },
  };
}

// The relative imports in `mappers` and `contextType` are from this folder.
const outputDir = repoPath('generated', 'graphql');

async function generateResolverTypes(name: SubgraphName): Promise<void> {
  const file = path.join(outputDir, `${name}-resolvers.ts`);
  const output = await codegen({
    filename: file,
    schema: loadSubgraphSchema(name),
    documents: [],
    config: config(name),
    plugins: [{ typescript: {} }, { 'typescript-resolvers': {} }],
    pluginMap: { typescript: typescriptPlugin, 'typescript-resolvers': resolversPlugin },
  });
  fs.writeFileSync(
    file,
    `// Generated by scripts/resolver-types.ts from subgraphs/${name}'s schema. Do not edit.\n${output}`,
  );
}

async function main(): Promise<void> {
  fs.mkdirSync(outputDir, { recursive: true });
  for (const name of subgraphNames) await generateResolverTypes(name);
  process.stdout.write(`Generated resolver types in ${outputDir}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Resolver type generation failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
