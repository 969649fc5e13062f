// POSTs one notification Bundle to a partner's rest-hook endpoint (issue 17
// part 3). Trusts what calls to that partner trust (its registered CA, else
// PARTNER_CA_FILES, else the system's), gives up after the exchange's call
// timeout, and turns every failure into the exchange's PartnerCallError
// codes (HTTP_<status>, TIMEOUT, CONNECTION_REFUSED, TLS, ...), so the dead
// letter, the log line and the subscription's `error` agree. Any 2xx is
// delivery. The body and the partner's Authorization value are never logged.
import { classifyTransportError } from '../../partner/partner-answer';
import { PartnerCallError, undiciAgent } from '../../partner/partner-client';

export interface NotificationTarget {
  partnerId: string;
  endpoint: string;
  /** `Authorization: <value>` lines, as stored. */
  headers: readonly string[];
  trustedCaPems: readonly string[];
  timeoutMs: number;
}

export async function postNotification(target: NotificationTarget, bundle: Record<string, unknown>): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
  for (const line of target.headers) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const dispatcher =
    target.trustedCaPems.length > 0
      ? await undiciAgent(`subscription:${target.partnerId}`, { ca: target.trustedCaPems })
      : undefined;
  let response: Response;
  try {
    response = await fetch(target.endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify(bundle),
      redirect: 'error',
      signal: AbortSignal.timeout(target.timeoutMs),
      ...(dispatcher ? { dispatcher } : {}),
    } as RequestInit);
  } catch (error) {
    throw classifyTransportError(error).during('notify-subscriber');
  }
  // Drain the body so the connection can be reused; its content is not ours to read.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status >= 300)
    throw new PartnerCallError(`HTTP_${response.status}`, `the subscriber answered ${response.status}`, true, {
      status: response.status,
      operation: 'notify-subscriber',
    });
}
