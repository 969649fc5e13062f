import { GraphQLError } from 'graphql';
import { afterPosition, decodeCursor, encodeCursor } from './cursor';

describe('keyset cursors', () => {
  const position = { at: new Date('2026-11-25T09:00:00.123Z'), id: '0a921851-8bf2-4d1d-8a04-d58560765d90' };

  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    '',
    'garbage',
    Buffer.from('2026-11-25|not-an-id').toString('base64url'),
    Buffer.from(`x|${position.id}`).toString('base64url'),
  ])('refuses %j as BAD_USER_INPUT', (cursor) => {
    let caught: unknown;
    try {
      decodeCursor(cursor);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GraphQLError);
    expect((caught as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('builds the keyset condition', () => {
    expect(afterPosition('openedAt', undefined)).toEqual({});
    expect(afterPosition('openedAt', position)).toEqual({
      OR: [{ openedAt: { lt: position.at } }, { openedAt: position.at, id: { lt: position.id } }],
    });
  });
});
