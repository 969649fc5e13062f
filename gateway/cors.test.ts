import type { Request, Response } from 'express';
import { corsFor } from './cors';

/** A preflight as a browser on another origin sends it. */
function preflight(path: string): { req: Request; res: Response; headers: Map<string, unknown>; ended: () => boolean } {
  const headers = new Map<string, unknown>();
  let ended = false;
  const req = {
    method: 'OPTIONS',
    path,
    url: path,
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
  } as unknown as Request;
  const res = {
    statusCode: 200,
    setHeader: (name: string, value: unknown) => void headers.set(name.toLowerCase(), value),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    end: () => void (ended = true),
  } as unknown as Response;
  return { req, res, headers, ended: () => ended };
}

describe('corsFor', () => {
  it('with no origins listed does nothing: the preflight goes on to be refused like any non-POST', () => {
    const { req, res, headers } = preflight('/graphql');
    const next = jest.fn();
    corsFor([])(req, res, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(headers.size).toBe(0);
  });

  it("answers a listed origin's preflight itself", () => {
    const { req, res, headers, ended } = preflight('/graphql');
    const next = jest.fn();
    corsFor(['http://localhost:5173'])(req, res, next);
    expect(next).not.toHaveBeenCalled();
    expect(ended()).toBe(true);
    expect(res.statusCode).toBe(204);
    expect(headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('leaves the partner endpoint alone even for a listed origin', () => {
    const { req, res, headers } = preflight('/fhir/Task');
    const next = jest.fn();
    corsFor(['http://localhost:5173'])(req, res, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(headers.size).toBe(0);
  });
});
