import { GraphQLError, locatedError } from 'graphql';
import { appError, conflict, errorCodes, formatErrorFor, messageOf } from './graphql-errors';
import { createLogger } from './logger';
import { withLanguage } from './messages/language';
import { genericMessages } from './messages/generic-messages';

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
    const c = conflict({ en: 'Already open.', ja: 'すでに開設されています。' });
    expect(format({ message: c.message, extensions: c.extensions }, c).extensions).toEqual({ code: 'CONFLICT' });
  });

  it("passes a restriction's announced end as an instant, and nothing else under that name", () => {
    const restricted = (restrictedUntil: unknown) => {
      const error = appError('SERVICE_RESTRICTED', { en: 'Maintenance.', ja: '保守中。' }, { restrictedUntil });
      return format({ message: error.message, extensions: error.extensions }, error).extensions;
    };
    expect(restricted('2026-12-07T15:00:00.000Z')).toEqual({
      code: 'SERVICE_RESTRICTED',
      restrictedUntil: '2026-12-07T15:00:00.000Z',
    });
    expect(restricted('tomorrow, 高岡 太郎')).toEqual({ code: 'SERVICE_RESTRICTED' });
    expect(restricted({ at: 1 })).toEqual({ code: 'SERVICE_RESTRICTED' });
  });

  it("renders our own errors in the request's language, English outside a request, however graphql-js wrapped them", () => {
    const refusal = appError('FORBIDDEN', { en: 'You may not.', ja: '許可されていません。' }, { reason: 'X_Y' });
    const wrapped = locatedError(refusal, undefined, ['room']);
    const formatted = () => format({ message: wrapped.message, extensions: wrapped.extensions }, wrapped);
    expect(formatted()).toMatchObject({ message: 'You may not.', extensions: { code: 'FORBIDDEN', reason: 'X_Y' } });
    expect(withLanguage('ja', formatted)).toMatchObject({
      message: '許可されていません。',
      extensions: { code: 'FORBIDDEN', reason: 'X_Y' },
    });
    expect(withLanguage('en', formatted).message).toBe('You may not.');
    // Inside the process the error speaks English (logs, the FHIR boundary).
    expect(refusal.message).toBe('You may not.');
    expect(messageOf(wrapped)).toEqual({ en: 'You may not.', ja: '許可されていません。' });
  });

  it('keeps a message that arrived already rendered (a subgraph error at the gateway)', () => {
    const fromSubgraph = new GraphQLError('この部屋は閉鎖されています。', {
      extensions: { code: 'ILLEGAL_TRANSITION' },
    });
    expect(
      withLanguage('ja', () =>
        format({ message: fromSubgraph.message, extensions: fromSubgraph.extensions }, fromSubgraph),
      ).message,
    ).toBe('この部屋は閉鎖されています。');
  });

  it('masks anything else, whatever its message says, in the request language', () => {
    const leak = new Error('duplicate key (subject_id)=(0a92…) for 高岡 太郎');
    const formatted = format({ message: leak.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, leak);
    expect(formatted).toEqual({
      message: genericMessages.INTERNAL_SERVER_ERROR.en,
      path: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    const inJapanese = withLanguage('ja', () =>
      format({ message: leak.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, leak),
    );
    expect(inJapanese.message).toBe(genericMessages.INTERNAL_SERVER_ERROR.ja);
    expect(inJapanese.message).not.toContain('高岡');
    const unknownCode = format(
      { message: 'subgraph answered HTTP 502', extensions: { code: 'SUBGRAPH_HTTP_ERROR' } },
      new GraphQLError('x'),
    );
    expect(unknownCode.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});

describe('generic messages', () => {
  it('exist for every error code, in both languages, in the one style', () => {
    for (const code of errorCodes) {
      const message = genericMessages[code];
      expect(message.en).toMatch(/^[A-Z].*\.$/);
      expect(message.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(message.ja).toMatch(/。$/);
    }
    expect(Object.keys(genericMessages).sort()).toEqual([...errorCodes].sort());
  });
});
