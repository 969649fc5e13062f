// npm run --silent audit:export -- [--trail rooms|consent|identity|all] [--since ISO] [--until ISO] [--out file]
// (--silent: npm prints its own banner on stdout; generate's output goes to stderr.)
//
// The access trails (rooms' and consent's chained access records, identity's
// audit events) as FHIR R4 AuditEvent resources following IHE BALP, one per
// line (NDJSON), for a SIEM or an audit repository: lib/audit/audit-export.ts
// and lib/audit/balp-audit-event.ts. Reads DATABASE_URL (PostgreSQL) and
// FHIR_BASE_URL (the identifier systems of users and subjects derive from
// it, as in the partner exchange). Writes to stdout unless --out is given;
// --since is inclusive, --until exclusive. Progress goes to stderr.
import fs from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { loadConfig } from '../lib/config';
import { connectPostgres } from '../lib/database';
import { StartupError } from '../lib/startup-error';
import { AuditExportError, auditTrails, exportAuditEvents } from '../lib/audit/audit-export';
import { auditEventBindingIssues, type AuditEventResource, type AuditTrail } from '../lib/audit/balp-audit-event';
import { validateR4 } from '../adapters/fhir/validator';

const usage =
  'usage: npm run audit:export -- [--trail rooms|consent|identity|all] [--since ISO] [--until ISO] [--out file]';

function instant(name: string, value: string | undefined, problems: string[]): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    problems.push(`--${name}: not an ISO 8601 date or date-time (e.g. 2026-12-01 or 2026-12-01T00:00:00+09:00)`);
    return undefined;
  }
  return date;
}

/** R4 structure (medplum, with the official StructureDefinitions) and AuditEvent's required bindings. */
function auditEventIssues(resource: AuditEventResource): Array<{ expression: string; message: string }> {
  const structure = validateR4(resource);
  return [...(structure.valid ? [] : structure.issues), ...auditEventBindingIssues(resource)];
}

async function writeTo(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trail: { type: 'string', default: 'all' },
      since: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const problems: string[] = [];
  const trail = values.trail;
  if (trail !== 'all' && !auditTrails.includes(trail as AuditTrail))
    problems.push(`--trail: must be rooms, consent, identity or all (was ${trail})`);
  const since = instant('since', values.since, problems);
  const until = instant('until', values.until, problems);
  let config: ReturnType<typeof loadConfig> | undefined;
  try {
    config = loadConfig(process.env, ['DATABASE_URL']);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    problems.push(...error.problems);
  }
  if (!process.env.FHIR_BASE_URL)
    problems.push(
      'FHIR_BASE_URL: is required for the audit export (the user and subject identifier systems derive from it)',
    );
  if (problems.length > 0 || !config?.databaseUrl || !config.fhirBaseUrl) throw new StartupError(problems);

  const db = connectPostgres(config.databaseUrl, 1);
  const out = values.out ? fs.createWriteStream(values.out) : process.stdout;
  try {
    const written = await exportAuditEvents(
      db.prisma,
      {
        trails: trail === 'all' ? auditTrails : [trail as AuditTrail],
        since,
        until,
        fhirBaseUrl: config.fhirBaseUrl,
        validate: auditEventIssues,
      },
      (chunk) => writeTo(out, chunk),
    );
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
    process.stderr.write(
      `Exported ${written.rooms + written.consent + written.identity} AuditEvent resources ` +
        `(rooms ${written.rooms}, consent ${written.consent}, identity ${written.identity}) from ${db.location}\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(
      `Renkei cannot export the audit trails:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n${usage}\n`,
    );
    process.exit(1);
  }
  const parseError = String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
  if (error instanceof AuditExportError || parseError) {
    process.stderr.write(`Renkei stopped the audit export: ${(error as Error).message}\n${parseError ? usage : ''}\n`);
    process.exit(1);
  }
  throw error;
});
