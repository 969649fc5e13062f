import { failureClass } from './subgraph-data-source';

describe('failureClass', () => {
  it('names what failed without the message', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(failureClass(refused)).toBe('ECONNREFUSED');
    expect(failureClass(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(
      'TimeoutError',
    );
    expect(failureClass(new Error('subgraph answered HTTP 502'))).toBe('HTTP_502');
    expect(failureClass(Object.assign(new Error('secret text'), { code: 'EPIPE' }))).toBe('EPIPE');
    expect(failureClass(new RangeError('secret text'))).toBe('RangeError');
  });
});
