import { stripInternalHeaders } from './subgraph-headers';
import { readyzUrl } from './readiness';

describe('stripInternalHeaders', () => {
  it('drops every client-sent internal identity header, whatever its case', () => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-renkei-identity': '{"role":"SYSTEM_ADMIN"}',
      'X-Renkei-Internal-Token': 'forged',
      'x-renkei-language': 'ja',
      authorization: 'Bearer abc',
    };
    expect(stripInternalHeaders(headers).sort()).toEqual([
      'X-Renkei-Internal-Token',
      'x-renkei-identity',
      'x-renkei-language',
    ]);
    expect(headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer abc' });
  });
});

describe('readyzUrl', () => {
  it('derives a subgraph readiness URL from its GraphQL URL', () => {
    expect(readyzUrl('http://identity:4001/graphql')).toBe('http://identity:4001/readyz');
    expect(readyzUrl('https://rooms.internal/api/graphql/')).toBe('https://rooms.internal/api/readyz');
  });
});
