// The gateway's routes that answer a file rather than JSON (POST /certificates,
// POST /disclosure-reports/:id/export): sent as the signed-in person, with the
// session's token and the console's language. A refusal is the graph's JSON
// error, already in that language; a session that is over ends the console's
// session (sign-in page). The file goes to the browser's downloads at once and
// is not kept in the page.
import { GraphError, sessionOverCodes } from './graphql';
import type { Session } from './session';

/** POSTs to a file route; the answer when it is a file, a GraphError otherwise. */
export async function postForFile(session: Session, path: string, json?: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: {
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        'accept-language': session.language,
        ...(session.token ? { authorization: `Bearer ${session.token}` } : {}),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      credentials: 'same-origin',
    });
  } catch {
    throw new GraphError('NETWORK_ERROR', session.t.networkError);
  }
  if (response.ok) return response;
  throw await refusalOf(session, response);
}

/** The error a file route answered, ending the session when it says the session is over. */
export async function refusalOf(session: Session, response: Response): Promise<GraphError> {
  const body = (await response.json().catch(() => null)) as {
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  } | null;
  const first = body?.errors?.[0];
  const error = first
    ? new GraphError(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.message)
    : new GraphError(response.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL_SERVER_ERROR', session.t.networkError);
  if (response.status === 401 || sessionOverCodes.has(error.code)) session.end(error.message);
  return error;
}

/** The file name of `Content-Disposition: attachment; filename="…"`: only a plain, visible file name, never a path. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const name = disposition?.match(/filename="([^"]+)"/)?.[1] ?? disposition?.match(/filename=([^;\s]+)/)?.[1];
  return name && /^[\w.-]+$/.test(name) && !name.startsWith('.') ? name : fallback;
}

/** Hands the file to the browser's downloads, under its own name. */
export function saveFile(file: Blob, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([file], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
