// Sends the console's typed operations to /graphql on the same origin: the
// browser presents its terminal certificate, the session token goes in the
// Authorization header, and Accept-Language asks for messages in the
// console's language. An error keeps the graph's stable code and message.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql/language/printer';
import type { Language } from './messages';

/** One error of an answer: its stable code, its message and the response key it is about (path[0]), if any. */
export interface GraphProblem {
  code: string;
  message: string;
  field: string | null;
}

export class GraphError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Every error of the answer (the first is `code` and `message`); empty for a network failure. */
    readonly problems: readonly GraphProblem[] = [],
  ) {
    super(message);
  }
}

/** Codes that mean the session is over: the console forgets it and shows the sign-in page. */
export const sessionOverCodes = new Set(['UNAUTHENTICATED']);

const printed = new WeakMap<object, string>();

export async function request<Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  options: { token: string | null; language: Language; networkErrorMessage: string },
): Promise<Result> {
  let query = printed.get(document);
  if (query === undefined) {
    query = print(document);
    printed.set(document, query);
  }
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'accept-language': options.language,
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      credentials: 'same-origin',
    });
  } catch {
    throw new GraphError('NETWORK_ERROR', options.networkErrorMessage);
  }
  const body = (await response.json().catch(() => null)) as {
    data?: Result | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string } }>;
  } | null;
  const problems = (body?.errors ?? []).map((e) => ({
    code: e.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
    message: e.message,
    field: typeof e.path?.[0] === 'string' ? e.path[0] : null,
  }));
  const first = problems[0];
  if (first) throw new GraphError(first.code, first.message, problems);
  if (!body?.data) throw new GraphError('INTERNAL_SERVER_ERROR', options.networkErrorMessage);
  return body.data;
}
