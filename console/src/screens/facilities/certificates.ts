// Issuing a terminal certificate from the browser: the gateway's
// POST /certificates (gateway/certificate-download.ts) answers the .p12 file
// itself, its passphrase in the `renkei-certificate-passphrase` header (shown
// once, kept nowhere) and the file name in Content-Disposition. The file is
// handed to the browser's downloads at once; nothing of it stays in memory
// after. A refusal is the graph's JSON error, already in the console's
// language; a session that is over ends the console's session (sign-in page)
// (console/src/file-routes.ts).
import { fileNameOf, postForFile, refusalOf, saveFile } from '../../file-routes';
import type { Session } from '../../session';

export interface IssuedFile {
  certificateId: string | null;
  fileName: string;
  passphrase: string;
}

const fallbackName = 'renkei-terminal.p12';

export async function issueCertificate(session: Session, facilityId: string, label: string): Promise<IssuedFile> {
  const response = await postForFile(session, '/certificates', { facilityId, label });
  const passphrase = response.headers.get('renkei-certificate-passphrase');
  // A file without its passphrase is of no use: refused as the route's error would be.
  if (!passphrase) throw await refusalOf(session, response);
  const fileName = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  saveFile(await response.blob(), fileName, 'application/x-pkcs12');
  return { certificateId: response.headers.get('renkei-certificate-id'), fileName, passphrase };
}
