// The disclosure report as a file: the gateway's
// POST /disclosure-reports/:requestId/export?format=csv|json
// (gateway/disclosure-export.ts) runs exportDisclosureReport as the signed-in
// person and answers the file itself, its name in Content-Disposition. The
// file goes to the browser's downloads at once and is not kept in the page.
// A refusal is the graph's JSON error, already in the console's language; a
// session that is over ends the console's session (sign-in page).
import type { DisclosureFormat } from '../../../../generated/console/operations';
import { GraphError, sessionOverCodes } from '../../graphql';
import type { Session } from '../../session';
import { fileNameOf } from './format';

export async function exportReport(session: Session, requestId: string, format: DisclosureFormat): Promise<string> {
  const extension = format === 'CSV' ? 'csv' : 'json';
  let response: Response;
  try {
    response = await fetch(`/disclosure-reports/${encodeURIComponent(requestId)}/export?format=${extension}`, {
      method: 'POST',
      headers: {
        'accept-language': session.language,
        ...(session.token ? { authorization: `Bearer ${session.token}` } : {}),
      },
      credentials: 'same-origin',
    });
  } catch {
    throw new GraphError('NETWORK_ERROR', session.t.networkError);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as {
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    } | null;
    const first = body?.errors?.[0];
    const error = first
      ? new GraphError(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.message)
      : new GraphError(response.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL_SERVER_ERROR', session.t.networkError);
    if (response.status === 401 || sessionOverCodes.has(error.code)) session.end(error.message);
    throw error;
  }
  const file = await response.blob();
  const fileName = fileNameOf(response.headers.get('content-disposition'), `disclosure-${requestId}.${extension}`);
  save(file, fileName, format === 'CSV' ? 'text/csv' : 'application/json');
  return fileName;
}

/** Hands the file to the browser's downloads, under its own name. */
function save(file: Blob, fileName: string, type: string): void {
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
