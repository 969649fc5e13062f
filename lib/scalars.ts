// Date and DateTime scalars shared by the subgraphs' schemas. Dates are
// calendar dates (YYYY-MM-DD, no time zone); DateTimes are ISO-8601 instants.
// Parsing only checks the JSON type: the meaning (a real date, a plausible
// birth date) is checked by the input schemas, which answer BAD_USER_INPUT
// naming the field.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function stringValue(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new GraphQLError(`${name} must be a string`);
  return value;
}

function literalString(name: string, ast: ValueNode): string {
  if (ast.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string`);
  return ast.value;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : stringValue('Date', value)),
  parseValue: (value) => stringValue('Date', value),
  parseLiteral: (ast) => literalString('Date', ast),
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, ISO-8601 with time zone (UTC on output).',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    throw new TypeError('DateTime cannot represent a non-date value');
  },
  parseValue: (value) => stringValue('DateTime', value),
  parseLiteral: (ast) => literalString('DateTime', ast),
});
