import { GraphQLError } from 'graphql';
import { conflict, formatErrorFor } from './graphql-errors';
import { createLogger } from './logger';

describe('formatErrorFor', () => {
  const format = formatErrorFor(createLogger('silent'));

  it('passes our codes with only the code and field', () => {
    const error = new GraphQLError('title: must not be empty', {
      path: ['openRoom'],
      extensions: { code: 'BAD_USER_INPUT', field: 'title', serviceName: 'rooms', stacktrace: ['at x'] },
    });
    expect(format({ message: error.message, path: ['openRoom'], extensions: error.extensions }, error)).toEqual({
      message: 'title: must not be empty',
      path: ['openRoom'],
      locations: undefined,
      extensions: { code: 'BAD_USER_INPUT', field: 'title' },
    });
    const c = conflict('already open');
    expect(format({ message: c.message, extensions: c.extensions }, c).extensions).toEqual({ code: 'CONFLICT' });
  });

  it('masks anything else, whatever its message says', () => {
    const leak = new Error('duplicate key (subject_id)=(0a92…) for 高岡 太郎');
    const formatted = format({ message: leak.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, leak);
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    const unknownCode = format(
      { message: 'subgraph answered HTTP 502', extensions: { code: 'SUBGRAPH_HTTP_ERROR' } },
      new GraphQLError('x'),
    );
    expect(unknownCode.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
