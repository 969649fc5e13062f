import { operationId, persistedOperationsFrom, resolvePersistedOperation } from './persisted-operations';
import { StartupError } from '../lib/startup-error';

const body = 'query Me { me { user { id } } }';
const manifest = {
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: [{ id: operationId(body), name: 'Me', type: 'query', body }],
};
const other = '{ me { user { name } } }';

describe('persisted operations', () => {
  it('checks the manifest: its shape and that every id is the SHA-256 of its body', () => {
    expect(() => persistedOperationsFrom('enforce', { ...manifest, version: 2 })).toThrow(StartupError);
    const tampered = { ...manifest, operations: [{ ...manifest.operations[0], body: other }] };
    try {
      persistedOperationsFrom('enforce', tampered);
      throw new Error('expected a StartupError');
    } catch (error) {
      expect((error as StartupError).problems).toEqual([
        'PERSISTED_OPERATIONS_FILE: operations.0 (Me): id is not the SHA-256 of its body',
      ]);
    }
  });

  it('off: any text runs; an id alone is not known', () => {
    const off = persistedOperationsFrom('off', manifest);
    expect(resolvePersistedOperation({ query: other }, off)).toMatchObject({ kind: 'ok', query: other });
    expect(
      resolvePersistedOperation({ extensions: { persistedQuery: { sha256Hash: operationId(body) } } }, off),
    ).toEqual({ kind: 'unknown-id' });
  });

  it('log: any text runs, marked as listed or not', () => {
    const log = persistedOperationsFrom('log', manifest);
    expect(resolvePersistedOperation({ query: body }, log)).toEqual({
      kind: 'ok',
      query: body,
      id: operationId(body),
      listed: true,
    });
    expect(resolvePersistedOperation({ query: other }, log)).toEqual({
      kind: 'ok',
      query: other,
      id: operationId(other),
      listed: false,
    });
  });

  it('enforce: only listed operations, by text or by id; an id must match the text sent with it', () => {
    const enforce = persistedOperationsFrom('enforce', manifest);
    expect(
      resolvePersistedOperation({ extensions: { persistedQuery: { sha256Hash: operationId(body) } } }, enforce),
    ).toMatchObject({ kind: 'ok', query: body, listed: true });
    expect(resolvePersistedOperation({ query: body }, enforce)).toMatchObject({ kind: 'ok', listed: true });
    expect(resolvePersistedOperation({ query: other }, enforce)).toEqual({
      kind: 'not-in-list',
      id: operationId(other),
    });
    expect(
      resolvePersistedOperation(
        { query: other, extensions: { persistedQuery: { sha256Hash: operationId(body) } } },
        enforce,
      ),
    ).toEqual({ kind: 'hash-mismatch' });
    expect(
      resolvePersistedOperation({ extensions: { persistedQuery: { sha256Hash: '0'.repeat(64) } } }, enforce),
    ).toEqual({ kind: 'unknown-id' });
    expect(resolvePersistedOperation({}, enforce)).toEqual({ kind: 'no-query' });
  });
});
