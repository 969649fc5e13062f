// The disclosure report as a file: the gateway's
// POST /disclosure-reports/:requestId/export?format=csv|json
// (gateway/disclosure-export.ts) runs exportDisclosureReport as the signed-in
// person and answers the file itself, its name in Content-Disposition
// (console/src/file-routes.ts sends it and saves the file).
import type { DisclosureFormat } from '../../../../generated/console/operations';
import { fileNameOf, postForFile, saveFile } from '../../file-routes';
import type { Session } from '../../session';

export async function exportReport(session: Session, requestId: string, format: DisclosureFormat): Promise<string> {
  const extension = format === 'CSV' ? 'csv' : 'json';
  const response = await postForFile(
    session,
    `/disclosure-reports/${encodeURIComponent(requestId)}/export?format=${extension}`,
  );
  const fileName = fileNameOf(response.headers.get('content-disposition'), `disclosure-${requestId}.${extension}`);
  saveFile(await response.blob(), fileName, format === 'CSV' ? 'text/csv' : 'application/json');
  return fileName;
}
