// Issuing a terminal certificate from the browser: the gateway's
// POST /certificates (gateway/certificate-download.ts) answers the .p12 file
// itself, its passphrase in the `renkei-certificate-passphrase` header (shown
// once, kept nowhere) and the file name in Content-Disposition. The file is
// handed to the browser's downloads at once; nothing of it stays in memory
// after. A refusal is the graph's JSON error, already in the console's
// language; a session that is over ends the console's session (sign-in page).
import { GraphError, sessionOverCodes } from '../../graphql';
import type { Session } from '../../session';

export interface IssuedFile {
  certificateId: string | null;
  fileName: string;
  passphrase: string;
}

const fallbackName = 'renkei-terminal.p12';

/** The file name of `Content-Disposition: attachment; filename="…"`. */
export function fileNameOf(disposition: string | null): string {
  const name = disposition?.match(/filename="([^"]+)"/)?.[1] ?? disposition?.match(/filename=([^;\s]+)/)?.[1];
  // Only a plain file name: never a path.
  return name && /^[\w.-]+$/.test(name) ? name : fallbackName;
}

export async function issueCertificate(session: Session, facilityId: string, label: string): Promise<IssuedFile> {
  let response: Response;
  try {
    response = await fetch('/certificates', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'accept-language': session.language,
        ...(session.token ? { authorization: `Bearer ${session.token}` } : {}),
      },
      body: JSON.stringify({ facilityId, label }),
      credentials: 'same-origin',
    });
  } catch {
    throw new GraphError('NETWORK_ERROR', session.t.networkError);
  }
  const passphrase = response.headers.get('renkei-certificate-passphrase');
  if (!response.ok || !passphrase) {
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
  const fileName = fileNameOf(response.headers.get('content-disposition'));
  save(file, fileName);
  return { certificateId: response.headers.get('renkei-certificate-id'), fileName, passphrase };
}

/** Hands the file to the browser's downloads, under its own name. */
function save(file: Blob, fileName: string): void {
  const url = URL.createObjectURL(new Blob([file], { type: 'application/x-pkcs12' }));
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
