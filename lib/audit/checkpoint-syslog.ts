// A second, append-only sink for the checkpoints: each signed line is also
// sent to a syslog collector (AUDIT_CHECKPOINT_SYSLOG, udp:// or tcp://), so
// that a copy leaves the machine the moment it is signed and a rewrite would
// have to reach the collector too. RFC 5424 messages, facility "log audit"
// (13), severity notice; over TCP framed by octet counting (RFC 6587 3.4.1).
// The line is the checkpoint itself (seq, hash, count, time, signature): no
// personal data.
import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import type { Checkpoint } from './checkpoints';

export interface SyslogTarget {
  protocol: 'udp' | 'tcp';
  host: string;
  port: number;
}

/** `udp://host:514` or `tcp://host:6514`, as AUDIT_CHECKPOINT_SYSLOG says; null when it is not one. */
export function parseSyslogTarget(value: string): SyslogTarget | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const protocol = url.protocol === 'udp:' ? 'udp' : url.protocol === 'tcp:' ? 'tcp' : null;
  const port = Number(url.port || 514);
  if (!protocol || !url.hostname || url.pathname.replace(/^\/$/, '') || !Number.isInteger(port)) return null;
  return { protocol, host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

const logAuditNotice = 13 * 8 + 5;

/** The RFC 5424 message for one checkpoint: the JSON line of the checkpoint file as its MSG. */
export function syslogMessage(checkpoint: Checkpoint, at: Date, hostname = os.hostname()): string {
  const host = hostname.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-';
  return `<${logAuditNotice}>1 ${at.toISOString()} ${host} renkei ${process.pid} audit-checkpoint - ${JSON.stringify(checkpoint)}`;
}

/** Sends one message and resolves once it is handed to the network (UDP) or written and closed (TCP). */
export function sendToSyslog(target: SyslogTarget, message: string, timeoutMs = 3000): Promise<void> {
  const bytes = Buffer.from(message, 'utf8');
  if (target.protocol === 'udp')
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket(net.isIPv6(target.host) ? 'udp6' : 'udp4');
      socket.send(bytes, target.port, target.host, (error) => {
        socket.close();
        if (error) reject(error);
        else resolve();
      });
    });
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from ${target.host}:${target.port}`)));
    socket.once('error', reject);
    socket.once('connect', () => socket.end(Buffer.concat([Buffer.from(`${bytes.length} `), bytes]), () => resolve()));
  });
}
