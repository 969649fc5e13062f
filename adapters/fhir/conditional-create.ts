// Identifier tokens on the FHIR boundary: the `identifier=<system>|<value>`
// of a Task search and of a conditional create's If-None-Exist header
// (partner exchange contract v1.1: a requester sends every POST Task as a
// conditional create, so a receiver that does not deduplicate by itself
// still never creates a second Task). Pure parsers with typed results; the
// router turns a problem into a 400 OperationOutcome.
import type { SystemValue } from './join-task';

/** Longer than any identifier we store (system 300 + value 200 + the bar). */
const maxToken = 520;

export type TokenResult = { ok: true; identifier: SystemValue } | { ok: false; message: string };

/** `system|value`, both non-empty: the contract identifies a Task by both. */
export function parseIdentifierToken(token: string): TokenResult {
  const bar = token.indexOf('|');
  if (token.length > maxToken) return { ok: false, message: `identifier must be at most ${maxToken} characters` };
  if (bar <= 0 || bar === token.length - 1)
    return { ok: false, message: 'identifier must be system|value (both parts)' };
  return { ok: true, identifier: { system: token.slice(0, bar), value: token.slice(bar + 1) } };
}

export type ConditionResult = { ok: true; identifier: SystemValue | null } | { ok: false; message: string };

/**
 * The If-None-Exist header: absent → no condition; otherwise exactly one
 * search parameter, `identifier`, with one system|value (URL-encoded or
 * not, as FHIR search parameters are). Anything else is malformed: we would
 * rather refuse than create a Task under a condition we did not understand.
 */
export function parseIfNoneExist(header: string | string[] | undefined): ConditionResult {
  if (header === undefined) return { ok: true, identifier: null };
  if (Array.isArray(header) || header.trim() === '')
    return { ok: false, message: 'If-None-Exist must be one identifier=system|value' };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(header.trim().replace(/^\?/, ''));
  } catch {
    return { ok: false, message: 'If-None-Exist must be one identifier=system|value' };
  }
  const names = [...params.keys()];
  if (names.length !== 1 || names[0] !== 'identifier')
    return { ok: false, message: 'If-None-Exist must be one identifier=system|value (no other parameters)' };
  const token = parseIdentifierToken(params.get('identifier') ?? '');
  return token.ok
    ? { ok: true, identifier: token.identifier }
    : { ok: false, message: `If-None-Exist: ${token.message}` };
}

export const sameIdentifier = (a: SystemValue, b: SystemValue) => a.system === b.system && a.value === b.value;
