// The access trails as FHIR R4 AuditEvent resources following IHE Basic
// Audit Log Patterns (BALP), for a SIEM or an audit repository. Pure: one
// record in, one resource out; scripts/audit-export.ts streams them.
//
// Sources of the codes (do not change them without reading these):
// - BALP profiles https://profiles.ihe.net/ITI/BALP/ (IHE.BasicAudit.Read,
//   .PatientRead, .Query, .PatientQuery, .Create, .PatientCreate, .Update,
//   .PatientUpdate, .PatientDelete): type = audit-event-type#rest; subtype =
//   restful-interaction read / search-type / create / update / delete; action =
//   R (read), E (query), C, U, D; outcome 0 for a success ("failures are
//   recorded differently": http://hl7.org/fhir/R4/security.html#AccessDenied);
//   user agent requestor = true with type IRCP (read, query) or AUT (create,
//   update, delete: BALP value set DataSources); server agent DCM 110153
//   "Source Role ID" for a read, 110152 "Destination Role ID" for a query,
//   create or update, provenance-participant-type#custodian for a delete;
//   patient entity type audit-entity-type#1 "Person", role object-role#1
//   "Patient"; data entity type audit-entity-type#2 "System Object", role
//   object-role#4 "Domain Resource"; query entity role object-role#24 "Query"
//   with .query = the base64 request.
// - R4 AuditEvent https://hl7.org/fhir/R4/auditevent.html and its value sets:
//   action (required) C R U D E; outcome (required) 0 4 8 12, 4 = "Minor
//   failure"; agent.network.type (required) 1-5, 5 = URI; source.type
//   security-source-type#4 "Application Server"; event type DCM 110114 "User
//   Authentication" with subtypes DCM 110122 "Login" and 110123 "Logout"
//   (valueset-audit-event-type, valueset-audit-event-sub-type).
//
// Where we deviate from BALP (so no meta.profile is claimed): the trails do
// not keep the client application's network address, so there is no client
// agent; a refused attempt (outcome 4) uses the same shape as the attempted
// interaction.
//
// Only ids leave: user, subject, room and target ids as identifiers in this
// installation's systems (<FHIR base>/sid/...), role codes and operation
// codes; never a name, a password, an address or a record's content.
import { ourIdentifierSystems } from '../exchange/identifier-systems';

export type AuditTrail = 'rooms' | 'consent' | 'identity';

/** A row of rooms.access_record or consent.access_record (lib/audit/hash-chain.ts). */
export interface AccessRecordRow {
  seq: bigint;
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  subjectId: string | null;
  roomId: string | null;
  action: string;
  what: string;
  outcome: string;
  prevHash: string;
  hash: string;
  /** Rooms: the break-glass emergency access the record was made under (null or absent otherwise). */
  emergencyAccessId?: string | null;
}

/** A row of identity.audit_event (subgraphs/identity/services/audit-service.ts). */
export interface IdentityAuditRow {
  id: bigint;
  at: Date;
  action: string;
  outcome: string;
  actorId: string | null;
  actorRole: string | null;
  targetType: string | null;
  targetId: string | null;
}

export type Interaction = 'read' | 'search-type' | 'create' | 'update' | 'delete' | 'login' | 'logout';

type Json = Record<string, unknown>;
export type AuditEventResource = Json & { resourceType: 'AuditEvent'; id: string };

const systems = {
  dcm: 'http://dicom.nema.org/resources/ontology/DCM',
  eventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restful: 'http://hl7.org/fhir/restful-interaction',
  outcome: 'http://terminology.hl7.org/CodeSystem/audit-event-outcome',
  participation: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  provenance: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  sourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  uri: 'urn:ietf:rfc:3986',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
};

// ---------------------------------------------------------------------------
// Which interaction a record is. The `what` codes are the ones the services
// write (grep recordAccess / accessLog.load / recordAudit); an unknown code
// falls back by its action: READ → read, WRITE → update, DENIED → update.
//
// rooms / consent, action READ:
//   search-type: timeline, members, meetings, disclosureRequests,
//     consentHistory, legalBases, legalExceptionReviewCount, *.list
//   read: everything else (post.read, care-team.read, disclosure-report,
//     disclosureReport, disclosureRequest, consentStatus, sharingBasis, …)
// action WRITE:
//   create: post, meeting, room.open, existence-check.ask, share-code.issue,
//     recordConsent, recordDisclosureRequest, recordLegalException,
//     exportDisclosureReport (and any *.issue / *.open / *.ask / *.add / *.create / record*)
//   delete: post.remove (and any *.remove / *.delete)
//   update: everything else (post.edit, meeting.minutes, member.change,
//     member.departed, room.close, room.resume, room-suspension,
//     share-code.revoke, withdrawConsent, endLegalException,
//     withholdDisclosurePart, room-application steps, dead-letter:<id>, …)
// action DENIED (a refused attempt, outcome 4): classified as a read if its
//   `what` is a read or query code above, otherwise as a write.
// identity (action <noun>.<verb>[.<detail>]):
//   login: session.signIn; logout: session.signOut, session.end, session.endAll
//   read: *.read; search-type: *.find
//   create: *.register, *.issue, *.bootstrap, *.report, *.produce, *.create
//   update: everything else (password.change, certificate.revoke, application.<step>, …)
// ---------------------------------------------------------------------------
const queryWhats = new Set([
  'timeline',
  'members',
  'meetings',
  'disclosureRequests',
  'consentHistory',
  'legalBases',
  'legalExceptionReviewCount',
]);
const readWhats = new Set([
  'post.read',
  'care-team.read',
  'disclosure-report',
  'disclosureReport',
  'disclosureRequest',
  'consentStatus',
  'sharingBasis',
  'verifyConsentAccessChain',
]);
const createWhats = new Set([
  'post',
  'meeting',
  'recordConsent',
  'recordDisclosureRequest',
  'recordLegalException',
  'exportDisclosureReport',
]);
const createVerbs = new Set(['issue', 'open', 'ask', 'add', 'create']);
const deleteVerbs = new Set(['remove', 'delete']);

function lastSegment(code: string): string {
  const parts = code.split(/[.:]/);
  return parts[parts.length - 1] ?? code;
}

function readInteraction(what: string): 'read' | 'search-type' {
  return queryWhats.has(what) || what.endsWith('.list') ? 'search-type' : 'read';
}

function writeInteraction(what: string): 'create' | 'update' | 'delete' {
  const verb = lastSegment(what);
  if (createWhats.has(what) || createVerbs.has(verb) || /^record[A-Z]/.test(what)) return 'create';
  if (deleteVerbs.has(verb)) return 'delete';
  return 'update';
}

/** The interaction of a rooms or consent access record. */
export function accessInteraction(action: string, what: string): Interaction {
  if (action === 'READ') return readInteraction(what);
  if (action === 'DENIED' && (queryWhats.has(what) || readWhats.has(what) || /\.(read|list)$/.test(what)))
    return readInteraction(what);
  return writeInteraction(what);
}

/** The interaction of an identity audit event. */
export function identityInteraction(action: string): Interaction {
  if (action === 'session.signIn') return 'login';
  if (action.startsWith('session.')) return 'logout';
  const verb = action.split('.')[1] ?? action;
  if (verb === 'read') return 'read';
  if (verb === 'find') return 'search-type';
  if (['register', 'issue', 'bootstrap', 'report', 'produce', 'create'].includes(verb)) return 'create';
  return 'update';
}

// ---------------------------------------------------------------------------

interface Shape {
  type: Json;
  subtype: Json[];
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  userType: Json;
  serverType: Json;
}

const dcm = (code: string, display: string): Json => ({ system: systems.dcm, code, display });
const restType: Json = { system: systems.eventType, code: 'rest', display: 'Restful Operation' };
const rest = (code: string): Json => ({ system: systems.restful, code, display: code });
const participation = (code: string, display: string): Json => ({
  coding: [{ system: systems.participation, code, display }],
});
const recipient = participation('IRCP', 'information recipient');
const author = participation('AUT', 'author (originator)');
const sourceRole = { coding: [dcm('110153', 'Source Role ID')] };
const destinationRole = { coding: [dcm('110152', 'Destination Role ID')] };
const custodian = { coding: [{ system: systems.provenance, code: 'custodian', display: 'Custodian' }] };

const shapes: Record<Interaction, Shape> = {
  read: { type: restType, subtype: [rest('read')], action: 'R', userType: recipient, serverType: sourceRole },
  'search-type': {
    type: restType,
    subtype: [rest('search-type')],
    action: 'E',
    userType: recipient,
    serverType: destinationRole,
  },
  create: { type: restType, subtype: [rest('create')], action: 'C', userType: author, serverType: destinationRole },
  update: { type: restType, subtype: [rest('update')], action: 'U', userType: author, serverType: destinationRole },
  delete: { type: restType, subtype: [rest('delete')], action: 'D', userType: author, serverType: custodian },
  login: {
    type: dcm('110114', 'User Authentication'),
    subtype: [dcm('110122', 'Login')],
    action: 'E',
    userType: recipient,
    serverType: destinationRole,
  },
  logout: {
    type: dcm('110114', 'User Authentication'),
    subtype: [dcm('110123', 'Logout')],
    action: 'E',
    userType: recipient,
    serverType: destinationRole,
  },
};

/** The identifier systems of the export, all under this installation's FHIR base URL. */
export function auditIdentifierSystems(fhirBaseUrl: string): {
  base: string;
  user: string;
  subject: string;
  room: string;
  chainExtension: string;
  target: (type: string) => string;
} {
  const base = fhirBaseUrl.replace(/\/+$/, '');
  return {
    base,
    // The same user system as the partner exchange (lib/exchange/identifier-systems.ts).
    user: ourIdentifierSystems(base).user,
    subject: `${base}/sid/subject`,
    room: `${base}/sid/room`,
    chainExtension: `${base}/StructureDefinition/access-chain`,
    target: (type) => `${base}/sid/${type.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`,
  };
}

type Systems = ReturnType<typeof auditIdentifierSystems>;

/** SUCCESS (rooms, identity) and OK (consent) are successes; anything else is the code of a refusal or failure. */
function outcomeOf(denied: boolean, outcome: string): Json {
  // Every refusal and failure the trails hold is an expected one (a denied
  // access, a wrong password): 4 "Minor failure", with the recorded code as the reason.
  if (!denied && (outcome === 'SUCCESS' || outcome === 'OK')) return { outcome: '0' };
  return { outcome: '4', outcomeDesc: outcome };
}

function agents(shape: Shape, s: Systems, actorId: string | null, actorRole: string | null): Json[] {
  const role = actorRole ? { role: [{ text: actorRole }] } : {};
  const requestor = actorId
    ? { type: shape.userType, who: { identifier: { system: s.user, value: actorId } }, requestor: true, ...role }
    : {
        // No user: the installation itself (a job or a service principal) asked.
        type: { coding: [dcm('110150', 'Application')] },
        who: { identifier: { system: systems.uri, value: s.base } },
        requestor: true,
        ...role,
      };
  const server = {
    type: shape.serverType,
    who: { identifier: { system: systems.uri, value: s.base } },
    requestor: false,
    network: { address: s.base, type: '5' },
  };
  return [requestor, server];
}

function source(s: Systems): Json {
  return {
    site: 'Renkei',
    observer: { identifier: { system: systems.uri, value: s.base } },
    type: [{ system: systems.sourceType, code: '4', display: 'Application Server' }],
  };
}

function patientEntity(s: Systems, subjectId: string): Json {
  return {
    what: { type: 'Patient', identifier: { system: s.subject, value: subjectId } },
    type: { system: systems.entityType, code: '1', display: 'Person' },
    role: { system: systems.objectRole, code: '1', display: 'Patient' },
  };
}

function dataEntity(what: Json, description: string): Json {
  return {
    what,
    type: { system: systems.entityType, code: '2', display: 'System Object' },
    role: { system: systems.objectRole, code: '4', display: 'Domain Resource' },
    description,
  };
}

function queryEntity(code: string): Json {
  return {
    type: { system: systems.entityType, code: '2', display: 'System Object' },
    role: { system: systems.objectRole, code: '24', display: 'Query' },
    description: code,
    query: Buffer.from(code, 'utf8').toString('base64'),
  };
}

function objectEntities(interaction: Interaction, code: string, object: Json | null): Json[] {
  if (interaction === 'search-type') return [queryEntity(code), ...(object ? [dataEntity(object, code)] : [])];
  return [dataEntity(object ?? { display: code }, code)];
}

/** One rooms or consent access record as a BALP AuditEvent; id `<trail>-<seq>`, the chain's hashes in an extension. */
export function accessRecordToAuditEvent(
  trail: 'rooms' | 'consent',
  record: AccessRecordRow,
  fhirBaseUrl: string,
): AuditEventResource {
  const s = auditIdentifierSystems(fhirBaseUrl);
  const interaction = accessInteraction(record.action, record.what);
  const shape = shapes[interaction];
  const room = record.roomId ? { identifier: { system: s.room, value: record.roomId } } : null;
  return {
    resourceType: 'AuditEvent',
    id: `${trail}-${record.seq}`,
    extension: [
      {
        url: s.chainExtension,
        extension: [
          { url: 'trail', valueCode: trail },
          { url: 'seq', valueString: record.seq.toString() },
          { url: 'action', valueCode: record.action },
          { url: 'prevHash', valueString: record.prevHash },
          { url: 'hash', valueString: record.hash },
          // The hash covers it when set (hash-chain.ts), so a repository re-checking a hash needs it.
          ...(record.emergencyAccessId ? [{ url: 'emergencyAccess', valueString: record.emergencyAccessId }] : []),
        ],
      },
    ],
    type: shape.type,
    subtype: shape.subtype,
    action: shape.action,
    recorded: record.at.toISOString(),
    // Break-glass: flagged as such for the audit repository (v3 PurposeOfUse "break the glass").
    ...(record.emergencyAccessId
      ? { purposeOfEvent: [{ coding: [{ system: systems.actReason, code: 'BTG', display: 'break the glass' }] }] }
      : {}),
    ...outcomeOf(record.action === 'DENIED', record.outcome),
    agent: agents(shape, s, record.actorId, record.actorRole),
    source: source(s),
    entity: [
      ...(record.subjectId ? [patientEntity(s, record.subjectId)] : []),
      ...objectEntities(interaction, record.what, room),
    ],
  };
}

/** One identity audit event as a BALP AuditEvent; id `identity-<id>` (identity's trail is append-only and chained since 20261206130000). */
export function identityEventToAuditEvent(event: IdentityAuditRow, fhirBaseUrl: string): AuditEventResource {
  const s = auditIdentifierSystems(fhirBaseUrl);
  const interaction = identityInteraction(event.action);
  const shape = shapes[interaction];
  const subject = event.targetType === 'Subject' && event.targetId ? event.targetId : null;
  const target = subject
    ? { type: 'Patient', identifier: { system: s.subject, value: subject } }
    : event.targetType && event.targetId
      ? { identifier: { system: s.target(event.targetType), value: event.targetId } }
      : null;
  return {
    resourceType: 'AuditEvent',
    id: `identity-${event.id}`,
    type: shape.type,
    subtype: shape.subtype,
    action: shape.action,
    recorded: event.at.toISOString(),
    ...outcomeOf(false, event.outcome),
    agent: agents(shape, s, event.actorId, event.actorRole),
    source: source(s),
    entity: [...(subject ? [patientEntity(s, subject)] : []), ...objectEntities(interaction, event.action, target)],
  };
}

// ---------------------------------------------------------------------------
// The required bindings of AuditEvent (https://hl7.org/fhir/R4/auditevent.html:
// action, outcome, agent.network.type), which the R4 structure validation
// (adapters/fhir/validator.ts, medplum) does not check. lib/ does not import
// the adapters: the export is given both checks (scripts/audit-export.ts).
// ---------------------------------------------------------------------------
export interface AuditEventIssue {
  expression: string;
  message: string;
}

const auditEventAction = ['C', 'R', 'U', 'D', 'E'];
const auditEventOutcome = ['0', '4', '8', '12'];
const networkType = ['1', '2', '3', '4', '5'];

export function auditEventBindingIssues(resource: Json): AuditEventIssue[] {
  const issues: AuditEventIssue[] = [];
  const check = (value: unknown, allowed: string[], expression: string): void => {
    if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value)))
      issues.push({ expression, message: `must be one of the required value set codes (${allowed.join(', ')})` });
  };
  check(resource.action, auditEventAction, 'AuditEvent.action');
  check(resource.outcome, auditEventOutcome, 'AuditEvent.outcome');
  const agentList = Array.isArray(resource.agent) ? (resource.agent as Json[]) : [];
  agentList.forEach((agent, i) => {
    const network = agent?.network as Json | undefined;
    check(network?.type, networkType, `AuditEvent.agent[${i}].network.type`);
  });
  return issues;
}
