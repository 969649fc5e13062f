// Identity reaches subgraphs only in headers the gateway itself writes.
// Whatever a client sends under the internal prefix is dropped on arrival,
// and the requests the gateway sends to subgraphs start from empty headers
// (RemoteGraphQLDataSource forwards nothing by default; we add only ours).
import type { IncomingHttpHeaders } from 'node:http';

export const internalHeaderPrefix = 'x-renkei-';

export function stripInternalHeaders(headers: IncomingHttpHeaders): string[] {
  const removed = Object.keys(headers).filter((name) => name.toLowerCase().startsWith(internalHeaderPrefix));
  for (const name of removed) delete headers[name];
  return removed;
}
