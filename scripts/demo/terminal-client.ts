// The demo seeds its network as its people would use it: over the gateway's
// HTTPS, each person from a terminal with their own network certificate and
// their own session. fetch cannot present a client certificate, so this uses
// node:https; each request opens its own connection (agent: false), since a
// resumed TLS session would carry the previous terminal's certificate.
import https from 'node:https';

export interface Terminal {
  /** The PKCS#12 the network issued for this terminal, and its passphrase. */
  pfx: Buffer;
  passphrase: string;
}

export interface GraphQLError {
  message: string;
  extensions?: { code?: string; field?: string };
}

export interface GraphQLAnswer<T> {
  status: number;
  data?: T;
  errors?: GraphQLError[];
}

/** A failed step of the seeding: names the operation and the network's answer (codes and messages, never a secret). */
export class SeedingFailed extends Error {
  constructor(what: string, answer: GraphQLAnswer<unknown>) {
    const errors = (answer.errors ?? []).map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
    super(`${what} failed (HTTP ${answer.status}): ${errors || 'no data'}`);
  }
}

export function postGraphql<T>(
  url: string,
  caPem: string,
  terminal: Terminal,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLAnswer<T>> {
  const body = JSON.stringify({ query, variables });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method: 'POST', headers, ca: caPem, pfx: terminal.pfx, passphrase: terminal.passphrase, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, ...(JSON.parse(text) as Omit<GraphQLAnswer<T>, 'status'>) });
          } catch {
            reject(new Error(`${url} answered HTTP ${response.statusCode} with something that is not JSON`));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Codes that, right after a step, mean "the other subgraphs have not heard of it yet": consent and
 * rooms learn of a new subject, of who is related to it and of its consent through the outbox
 * within about a second (README, Two commands). The seeder asks again until then.
 */
export const notYetKnown = ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'] as const;

/**
 * Runs `attempt` until it answers without errors, asking again (every 100 ms, at most `timeoutMs`)
 * while the first error's code is one of `retryOn`; any other error, or the last one, fails.
 */
export async function untilAccepted<T>(
  what: string,
  attempt: () => Promise<GraphQLAnswer<T>>,
  retryOn: readonly string[] = [],
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await attempt();
    if (!answer.errors && answer.data) return answer.data;
    const code = answer.errors?.[0]?.extensions?.code ?? '';
    if (!retryOn.includes(code) || Date.now() > deadline) throw new SeedingFailed(what, answer);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
