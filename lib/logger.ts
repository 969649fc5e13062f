// Structured logs (pino, JSON lines). Log ids, codes and counts; never a
// subject's or user's personal data, and never a raw request body or
// headers. The redaction list is the safety net behind that rule: request
// and response headers and bodies (body-parser puts the raw body on
// err.body), GraphQL variables, tokens and passwords are censored wherever
// a log call would otherwise carry them.
//
// Lines go to stdout only (12-factor): the platform (docker's log driver,
// the kubelet, journald) ships and keeps them. Each line names its service
// and the release that wrote it, so lines from replicas of different
// versions during a rolling update can be told apart.
import os from 'node:os';
import pino from 'pino';
import { release } from './release';
import { currentRequestId } from './request-id';

export type Logger = pino.Logger;

export const redactedPaths = [
  'headers',
  'body',
  'variables',
  'token',
  'password',
  'authorization',
  'cookie',
  'req.headers',
  'req.body',
  'req.query',
  'res.headers',
  'err.body',
  'error.body',
  '*.headers',
  '*.body',
  '*.variables',
  '*.token',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.authorization',
  '*.cookie',
];

/**
 * Every line written while serving a request (lib/request-id.ts) names it, whichever logger wrote
 * it: the gateway's refusals, a subgraph's errors, the FHIR endpoint's, a job's (a job runs as
 * part of the request that caused it). So no logger binds a request id itself.
 */
function requestIdMixin(): { requestId?: string } {
  const requestId = currentRequestId();
  return requestId ? { requestId } : {};
}

export function createLogger(level: string, name = 'renkei', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    base: { service: name, version: release.version, pid: process.pid, hostname: os.hostname() },
    level,
    redact: { paths: redactedPaths, censor: '***' },
    mixin: requestIdMixin,
  };
  return destination ? pino(options, destination) : pino(options);
}
