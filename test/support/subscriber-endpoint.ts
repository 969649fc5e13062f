// A partner's rest-hook endpoint for Task subscriptions (issue 17 part 3): a
// real HTTPS server under the partner's own CA that records every
// notification Bundle with its arrival time, checks the Authorization value
// the partner asked for, and can go down (connection refused) and come back
// on the same port.
import https from 'node:https';
import { stoppable } from './stoppable-server';

export interface Arrival {
  at: number;
  type: string;
  /** The notification's event numbers, in the order they came. */
  eventNumbers: number[];
  /** Each focus Task in the Bundle (id, and its status for full-resource). */
  tasks: Array<{ id: string; status?: string }>;
  bundle: any;
}

export interface SubscriberEndpoint {
  url: string;
  port: number;
  arrivals: Arrival[];
  /** Requests refused for a wrong or missing Authorization. */
  unauthorized: number;
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  stop(): Promise<void>;
}

function arrivalOf(bundle: any, at: number): Arrival {
  const parameters: any[] = bundle?.entry?.[0]?.resource?.parameter ?? [];
  const type = parameters.find((p) => p.name === 'type')?.valueCode;
  const eventNumbers = parameters
    .filter((p) => p.name === 'notification-event')
    .map((p) => Number(p.part.find((part: any) => part.name === 'event-number').valueString));
  const tasks = (bundle?.entry ?? []).slice(1).map((e: any) => ({
    id: String(e.fullUrl).split('/').pop()!,
    status: e.resource?.status,
  }));
  return { at, type, eventNumbers, tasks, bundle };
}

export async function startSubscriberEndpoint(options: {
  tls: { certificatePem: string; keyPem: string };
  authorization: string;
}): Promise<SubscriberEndpoint> {
  const endpoint = { arrivals: [] as Arrival[], unauthorized: 0 };
  const server = https.createServer({ cert: options.tls.certificatePem, key: options.tls.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers.authorization !== options.authorization) {
        endpoint.unauthorized++;
        res.writeHead(401).end();
        return;
      }
      endpoint.arrivals.push(arrivalOf(JSON.parse(Buffer.concat(chunks).toString('utf8')), Date.now()));
      res.writeHead(200).end();
    });
  });
  const { listen, close, port: portOf } = stoppable(server);
  await listen(0);
  const port = portOf();
  return Object.assign(endpoint, {
    url: `https://127.0.0.1:${port}/hooks/renkei`,
    port,
    goDown: close,
    comeBack: () => listen(port),
    stop: close,
  });
}
