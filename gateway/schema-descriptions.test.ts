// The schema explains itself (issue 18): every type, field, argument, input
// field, enum and enum value a client can see has a description. The check
// runs on the composed API schema, the one the gateway serves, so it sees
// what composition keeps: where the same element is declared in several
// subgraphs, it is described once, by its owner, and the copies carry none
// (composition takes the only description; two different ones would make it
// pick one by vote and hint INCONSISTENT_DESCRIPTION).
import { composeServices } from '@apollo/composition';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { subgraphNames } from '../lib/config';
import { loadSubgraphSchema } from '../lib/subgraph-schema';
import { placeholderUrl } from './compose';

function compose() {
  const result = composeServices(
    subgraphNames.map((name) => ({ name, typeDefs: loadSubgraphSchema(name), url: placeholderUrl(name) })),
  );
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result;
}

/** Federation's own machinery, which the API schema may still show; not ours to describe. */
const builtIn = (type: GraphQLNamedType) =>
  type.name.startsWith('__') || type.name.startsWith('_') || (isScalarType(type) && isSpecifiedScalarType(type));
const builtInRootFields = new Set(['Query._entities', 'Query._service']);

const described = (description: string | null | undefined) => Boolean(description?.trim());

/** Schema coordinates (Type, Type.field, Type.field(arg:), Enum.VALUE) of every element without a description. */
function undescribedElements(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (builtIn(type)) continue;
    if (!described(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (builtInRootFields.has(coordinate)) continue;
        if (!described(field.description)) missing.push(coordinate);
        for (const arg of field.args) if (!described(arg.description)) missing.push(`${coordinate}(${arg.name}:)`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (!described(field.description)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues())
        if (!described(value.description)) missing.push(`${type.name}.${value.name}`);
    } else if (isUnionType(type) || isScalarType(type)) {
      // A union's members and a scalar have nothing more to describe.
    }
  }
  return missing.sort();
}

describe('the API schema describes itself', () => {
  const composition = compose();
  const apiSchema = composition.schema.toAPISchema().toGraphQLJSSchema();

  it('has a description on every type, field, argument, input field and enum value', () => {
    const missing = undescribedElements(apiSchema);
    if (missing.length > 0)
      throw new Error(
        `${missing.length} schema element(s) have no description; add one in the owning subgraph's schema.graphql:\n  ${missing.join('\n  ')}`,
      );
    expect(missing).toEqual([]);
  });

  it('keeps one description per element: copies in other subgraphs carry none or the same', () => {
    const inconsistent = composition.hints
      .filter((hint) => hint.definition.code === 'INCONSISTENT_DESCRIPTION')
      .map((hint) => hint.message);
    expect(inconsistent).toEqual([]);
  });

  it('names each undescribed element by its coordinate', () => {
    const schema = buildSchema(`
      "Described." type Query { "Described." ok(first: Int): Kind  undescribed: Int }
      enum Kind { "Described." A  B }
      "Described." input Filter { "Described." a: Int  b: Int }
      "Described." type Mutation { "Described." set("Described." filter: Filter): Int }
    `);
    expect(undescribedElements(schema)).toEqual([
      'Filter.b',
      'Kind',
      'Kind.B',
      'Query.ok(first:)',
      'Query.undescribed',
    ]);
  });
});
