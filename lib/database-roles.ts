// Least-privilege database roles, defined in one place (issue 14). One owner
// role owns every schema object and runs the migrations; each service
// process connects as its own role, which owns nothing (so it cannot ALTER a
// table, disable a trigger or drop anything) and holds only the privileges
// listed here. The append-only trails (audit events, access records,
// disclosure exports) get INSERT and SELECT only, whoever writes them.
//
// Every table of our schemas is listed below: a migration that adds a table
// without adding it here fails test/integration/database-roles.test.ts, so
// the decision of who may touch it is made with the migration, not left to
// a default. scripts/db-roles.ts applies this definition (npm run db:roles).

export const ownerRole = 'renkei_owner';

export type ServiceName = 'identity' | 'rooms' | 'consent' | 'worker';

export const serviceRoles: Readonly<Record<ServiceName, string>> = {
  identity: 'renkei_identity',
  rooms: 'renkei_rooms',
  consent: 'renkei_consent',
  worker: 'renkei_worker',
};

/** read: SELECT; append: SELECT, INSERT; write: SELECT, INSERT, UPDATE, DELETE. Never TRUNCATE, never ownership. */
export type Access = 'read' | 'append' | 'write';

export const privilegesOf: Readonly<Record<Access, readonly string[]>> = {
  read: ['SELECT'],
  append: ['SELECT', 'INSERT'],
  write: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
};

/** Every table of our schemas (public holds only Prisma's _prisma_migrations, the owner's alone). */
export const tablesBySchema = {
  identity: [
    'application',
    'application_step',
    'audit_event',
    'care_relationship',
    'care_relationship_version',
    'certificate_expiry_notice',
    'certificate_expiry_recipient',
    'client_certificate',
    'facility',
    'fault_report',
    'fault_step',
    'org_unit',
    'outbox_event',
    'partner',
    'partner_client_credential',
    'password_history',
    'session',
    'subject',
    'system_restriction',
    'user',
  ],
  rooms: [
    'access_record',
    'care_relationship',
    'care_relationship_version',
    'directory_partner',
    'directory_subject',
    'directory_user',
    'emergency_access',
    'emergency_access_grantee',
    'exchange_dead_letter',
    'existence_check',
    'existence_check_step',
    'external_membership',
    'external_participant',
    'inbound_join_request',
    'inbound_join_step',
    'meeting',
    'outbound_join_request',
    'outbound_join_step',
    'outbox_event',
    'post',
    'post_read',
    'post_revision',
    'room',
    'room_application',
    'room_application_step',
    'room_member',
    'room_notice',
    'room_share_code',
    'subject_sharing',
  ],
  consent: [
    'access_record',
    'care_relationship',
    'care_relationship_version',
    'consent_record',
    'directory_subject',
    'disclosure_export',
    'disclosure_request',
    'disclosure_withholding',
    'legal_exception',
    'outbox_event',
  ],
  integration: [
    'inbound_task',
    'outbound_subscription',
    'outbox_event',
    'partner_push_offer',
    'smart_access_token',
    'task_subscription',
    'task_subscription_event',
    'used_jwt_id',
    'worker_heartbeat',
  ],
} as const;

export type SchemaName = keyof typeof tablesBySchema;
export const schemaNames = Object.keys(tablesBySchema) as SchemaName[];

/** "schema.table" */
export type QualifiedTable = string;

export const allTables: readonly QualifiedTable[] = schemaNames.flatMap((schema) =>
  tablesBySchema[schema].map((table) => `${schema}.${table}`),
);

/**
 * Append-only trails: their triggers refuse UPDATE, DELETE and TRUNCATE, and no service role is
 * granted them either, so neither a bug nor a stolen service password can rewrite the trail.
 */
export const appendOnlyTables: readonly QualifiedTable[] = [
  'identity.audit_event',
  'rooms.access_record',
  'consent.access_record',
  'consent.disclosure_export',
];

/** A subgraph's rights on its own schema: every table, the append-only ones as append. */
function ownSchema(schema: SchemaName): Record<QualifiedTable, Access> {
  return Object.fromEntries(
    tablesBySchema[schema].map((table) => {
      const name = `${schema}.${table}`;
      return [name, appendOnlyTables.includes(name) ? 'append' : 'write'];
    }),
  );
}

/**
 * The worker runs the jobs (adapters/jobs) and the partner exchange endpoint (adapters/fhir),
 * which go through the owning subgraph's services; these are the tables those services touch on
 * the worker's paths, each with why. Its own schema is integration.
 */
const workerTables: Record<QualifiedTable, Access> = {
  ...ownSchema('integration'),
  // identity: inactive accounts are disabled (users, their sessions, the audit event, a directory
  // event in identity's outbox, which the worker also relays); partners and their credentials are
  // read for every exchange call (registered only through the identity subgraph); subjects,
  // facilities and certificates are read for directory and care facts.
  'identity.audit_event': 'append',
  'identity.care_relationship': 'write',
  'identity.care_relationship_version': 'write',
  // The certificate expiry job (issue 15) writes each warning once, to the people it names, and never changes it.
  'identity.certificate_expiry_notice': 'append',
  'identity.certificate_expiry_recipient': 'append',
  'identity.client_certificate': 'read',
  'identity.facility': 'read',
  'identity.outbox_event': 'write',
  'identity.partner': 'read',
  'identity.partner_client_credential': 'read',
  'identity.session': 'write',
  'identity.subject': 'read',
  'identity.user': 'write',
  // rooms: the directory and sharing views rooms keeps of identity and consent (directory-changed,
  // subject-sharing-changed), care relationships, suspensions (rooms, notices), both directions of
  // the partner exchange, the dead letters, rooms' outbox, the access chain (appended by the
  // exchange, read to sign checkpoints), and break-glass accesses (read for care facts: a grantee
  // reads the subject's record while one is in force).
  'rooms.access_record': 'append',
  'rooms.care_relationship': 'write',
  'rooms.care_relationship_version': 'write',
  'rooms.directory_partner': 'write',
  'rooms.directory_subject': 'write',
  'rooms.directory_user': 'write',
  'rooms.emergency_access': 'read',
  'rooms.emergency_access_grantee': 'read',
  'rooms.exchange_dead_letter': 'write',
  'rooms.existence_check': 'read',
  'rooms.external_membership': 'write',
  'rooms.external_participant': 'write',
  'rooms.inbound_join_request': 'write',
  'rooms.inbound_join_step': 'write',
  'rooms.outbound_join_request': 'write',
  'rooms.outbound_join_step': 'write',
  'rooms.outbox_event': 'write',
  'rooms.room': 'write',
  'rooms.room_application': 'read',
  'rooms.room_member': 'write',
  'rooms.room_notice': 'write',
  'rooms.room_share_code': 'write',
  'rooms.subject_sharing': 'write',
  // consent: who may see a subject (consent records and legal exceptions, read for care
  // relationships and sharing reviews), the subjects consent knows of, care relationships, consent's
  // outbox, and its access chain (read only: signed into checkpoints, never appended by the worker).
  'consent.access_record': 'read',
  'consent.care_relationship': 'write',
  'consent.care_relationship_version': 'write',
  'consent.consent_record': 'read',
  'consent.directory_subject': 'write',
  'consent.legal_exception': 'read',
  'consent.outbox_event': 'write',
};

/**
 * Each service role's privileges, table by table. The three subgraphs need no table of another
 * schema: what crosses schemas (directory and sharing views, care relationships) is written by the
 * worker's jobs, through the owning subgraph's services.
 */
export const roleGrants: Readonly<Record<ServiceName, Readonly<Record<QualifiedTable, Access>>>> = {
  identity: ownSchema('identity'),
  rooms: ownSchema('rooms'),
  consent: ownSchema('consent'),
  worker: workerTables,
};

/** The problems with the definition itself (a grant on an unknown table, more than append on a trail). */
export function definitionProblems(): string[] {
  const problems: string[] = [];
  for (const [service, grants] of Object.entries(roleGrants)) {
    for (const [table, access] of Object.entries(grants)) {
      if (!allTables.includes(table)) problems.push(`${service}: ${table} is not a table of ours`);
      if (appendOnlyTables.includes(table) && access === 'write')
        problems.push(`${service}: ${table} is append-only, so read or append at most`);
    }
  }
  return problems;
}
