import { validateR4 } from '../../adapters/fhir/validator';
import {
  accessInteraction,
  accessRecordToAuditEvent,
  auditEventBindingIssues,
  identityEventToAuditEvent,
  identityInteraction,
  type AccessRecordRow,
  type AuditEventResource,
  type IdentityAuditRow,
} from './balp-audit-event';

const base = 'https://renkei.example.jp/fhir/';
const user = '0a921851-8bf2-4d1d-8a04-d58560765d90';
const subject = '1b921851-8bf2-4d1d-8a04-d58560765d90';
const room = '2c921851-8bf2-4d1d-8a04-d58560765d90';

const record = (over: Partial<AccessRecordRow> = {}): AccessRecordRow => ({
  seq: 42n,
  at: new Date('2026-12-01T03:04:05.678Z'),
  actorId: user,
  actorRole: 'NURSE',
  subjectId: subject,
  roomId: room,
  action: 'READ',
  what: 'post.read',
  outcome: 'SUCCESS',
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  ...over,
});

const identityEvent = (over: Partial<IdentityAuditRow> = {}): IdentityAuditRow => ({
  id: 7n,
  at: new Date('2026-12-01T03:04:05.678Z'),
  action: 'subject.read',
  outcome: 'SUCCESS',
  actorId: user,
  actorRole: 'DOCTOR',
  targetType: 'Subject',
  targetId: subject,
  ...over,
});

/** R4 structure (medplum) and AuditEvent's required bindings, as the export checks them. */
function expectValid(resource: AuditEventResource): void {
  const structure = validateR4(resource);
  expect(structure).toEqual({ valid: true });
  expect(auditEventBindingIssues(resource)).toEqual([]);
}

type Json = Record<string, any>;
const code = (coding: Json) => `${coding.system}#${coding.code}`;
const entityRoles = (e: Json) => (e.entity as Json[]).map((x) => code(x.role));
const patientOf = (e: Json) => (e.entity as Json[]).find((x) => x.role.code === '1');

const rest = 'http://terminology.hl7.org/CodeSystem/audit-event-type#rest';
const interaction = (c: string) => `http://hl7.org/fhir/restful-interaction#${c}`;
const patientRole = 'http://terminology.hl7.org/CodeSystem/object-role#1';
const domainResource = 'http://terminology.hl7.org/CodeSystem/object-role#4';
const queryRole = 'http://terminology.hl7.org/CodeSystem/object-role#24';

describe('accessInteraction: the written `what` codes', () => {
  it.each([
    ['READ', 'post.read', 'read'],
    ['READ', 'care-team.read', 'read'],
    ['READ', 'consentStatus', 'read'],
    ['READ', 'timeline', 'search-type'],
    ['READ', 'members', 'search-type'],
    ['READ', 'consentHistory', 'search-type'],
    ['READ', 'inbound-join.list', 'search-type'],
    ['WRITE', 'post', 'create'],
    ['WRITE', 'room.open', 'create'],
    ['WRITE', 'share-code.issue', 'create'],
    ['WRITE', 'existence-check.ask', 'create'],
    ['WRITE', 'recordConsent', 'create'],
    ['WRITE', 'exportDisclosureReport', 'create'],
    ['WRITE', 'post.edit', 'update'],
    ['WRITE', 'room.close', 'update'],
    ['WRITE', 'share-code.revoke', 'update'],
    ['WRITE', 'withdrawConsent', 'update'],
    ['WRITE', 'dead-letter:1234', 'update'],
    ['WRITE', 'post.remove', 'delete'],
    ['DENIED', 'timeline', 'search-type'],
    ['DENIED', 'consentStatus', 'read'],
    ['DENIED', 'room.resume', 'update'],
    ['DENIED', 'recordConsent', 'create'],
  ])('%s %s → %s', (action, what, expected) => {
    expect(accessInteraction(action, what)).toBe(expected);
  });
});

describe('identityInteraction', () => {
  it.each([
    ['subject.read', 'read'],
    ['subject.find', 'search-type'],
    ['subject.register', 'create'],
    ['certificate.issue', 'create'],
    ['certificate.revoke', 'update'],
    ['password.change', 'update'],
    ['application.approve.form9', 'update'],
    ['session.signIn', 'login'],
    ['session.signOut', 'logout'],
    ['session.endAll', 'logout'],
  ])('%s → %s', (action, expected) => {
    expect(identityInteraction(action)).toBe(expected);
  });
});

describe('accessRecordToAuditEvent (IHE BALP)', () => {
  it('a read of a subject’s post: BALP PatientRead codes, the user as requestor, the chain’s hashes', () => {
    const e: Json = accessRecordToAuditEvent('rooms', record(), base);
    expectValid(e as AuditEventResource);
    expect(e.id).toBe('rooms-42');
    expect(code(e.type)).toBe(rest);
    expect(e.subtype.map(code)).toEqual([interaction('read')]);
    expect(e.action).toBe('R');
    expect(e.outcome).toBe('0');
    expect(e.outcomeDesc).toBeUndefined();
    expect(e.recorded).toBe('2026-12-01T03:04:05.678Z');
    const [requestor, server] = e.agent;
    expect(requestor).toMatchObject({
      who: { identifier: { system: 'https://renkei.example.jp/fhir/sid/user', value: user } },
      requestor: true,
      role: [{ text: 'NURSE' }],
    });
    expect(code(requestor.type.coding[0])).toBe('http://terminology.hl7.org/CodeSystem/v3-ParticipationType#IRCP');
    expect(server.requestor).toBe(false);
    expect(code(server.type.coding[0])).toBe('http://dicom.nema.org/resources/ontology/DCM#110153');
    expect(e.source.observer.identifier.value).toBe('https://renkei.example.jp/fhir');
    expect(entityRoles(e)).toEqual([patientRole, domainResource]);
    expect(patientOf(e)).toMatchObject({
      what: { type: 'Patient', identifier: { system: 'https://renkei.example.jp/fhir/sid/subject', value: subject } },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1' },
    });
    expect(e.entity[1]).toMatchObject({
      what: { identifier: { system: 'https://renkei.example.jp/fhir/sid/room', value: room } },
      description: 'post.read',
    });
    expect(e.extension).toEqual([
      {
        url: 'https://renkei.example.jp/fhir/StructureDefinition/access-chain',
        extension: [
          { url: 'trail', valueCode: 'rooms' },
          { url: 'seq', valueString: '42' },
          { url: 'action', valueCode: 'READ' },
          { url: 'prevHash', valueString: 'a'.repeat(64) },
          { url: 'hash', valueString: 'b'.repeat(64) },
        ],
      },
    ]);
  });

  it('a read under a break-glass emergency access: purpose "break the glass", the access id in the chain extension', () => {
    const emergencyAccessId = '3d921851-8bf2-4d1d-8a04-d58560765d90';
    const e: Json = accessRecordToAuditEvent('rooms', record({ what: 'timeline', emergencyAccessId }), base);
    expectValid(e as AuditEventResource);
    expect(e.purposeOfEvent.map((p: Json) => code((p.coding as Json[])[0]!))).toEqual([
      'http://terminology.hl7.org/CodeSystem/v3-ActReason#BTG',
    ]);
    expect(e.extension[0].extension).toContainEqual({ url: 'emergencyAccess', valueString: emergencyAccessId });
    const plain: Json = accessRecordToAuditEvent('rooms', record({ emergencyAccessId: null }), base);
    expect(plain.purposeOfEvent).toBeUndefined();
    expect(plain.extension[0].extension.map((x: Json) => x.url)).not.toContain('emergencyAccess');
  });

  it('a list read is a BALP PatientQuery: action E, search-type, a query entity with the base64 request', () => {
    const e: Json = accessRecordToAuditEvent('rooms', record({ what: 'timeline' }), base);
    expectValid(e as AuditEventResource);
    expect(e.action).toBe('E');
    expect(e.subtype.map(code)).toEqual([interaction('search-type')]);
    expect(entityRoles(e)).toEqual([patientRole, queryRole, domainResource]);
    const query = e.entity[1];
    expect(Buffer.from(query.query, 'base64').toString()).toBe('timeline');
    expect(query.what).toBeUndefined();
  });

  it.each([
    ['post', 'C', 'create', 'http://dicom.nema.org/resources/ontology/DCM#110152'],
    ['post.edit', 'U', 'update', 'http://dicom.nema.org/resources/ontology/DCM#110152'],
    ['post.remove', 'D', 'delete', 'http://terminology.hl7.org/CodeSystem/provenance-participant-type#custodian'],
  ])('WRITE %s → action %s, subtype %s, the user as author', (what, action, subtype, serverType) => {
    const e: Json = accessRecordToAuditEvent('rooms', record({ action: 'WRITE', what }), base);
    expectValid(e as AuditEventResource);
    expect(e.action).toBe(action);
    expect(e.subtype.map(code)).toEqual([interaction(subtype)]);
    expect(e.outcome).toBe('0');
    expect(code(e.agent[0].type.coding[0])).toBe('http://terminology.hl7.org/CodeSystem/v3-ParticipationType#AUT');
    expect(code(e.agent[1].type.coding[0])).toBe(serverType);
    expect(entityRoles(e)).toEqual([patientRole, domainResource]);
  });

  it('a consent write (outcome OK) is a success', () => {
    const e: Json = accessRecordToAuditEvent(
      'consent',
      record({ seq: 3n, action: 'WRITE', what: 'recordConsent', outcome: 'OK', roomId: null }),
      base,
    );
    expectValid(e as AuditEventResource);
    expect(e.id).toBe('consent-3');
    expect(e.action).toBe('C');
    expect(e.outcome).toBe('0');
    expect(e.entity[1]).toMatchObject({ what: { display: 'recordConsent' }, description: 'recordConsent' });
    expect(e.extension[0].extension[0]).toEqual({ url: 'trail', valueCode: 'consent' });
  });

  it('a refusal is outcome 4 (minor failure) with the refusal’s code as the reason', () => {
    const e: Json = accessRecordToAuditEvent(
      'rooms',
      record({ action: 'DENIED', what: 'room.resume', outcome: 'CONFLICT' }),
      base,
    );
    expectValid(e as AuditEventResource);
    expect(e.outcome).toBe('4');
    expect(e.outcomeDesc).toBe('CONFLICT');
    expect(e.action).toBe('U');
    expect(e.extension[0].extension[2]).toEqual({ url: 'action', valueCode: 'DENIED' });
  });

  it('a refused read keeps the read’s shape', () => {
    const e: Json = accessRecordToAuditEvent(
      'consent',
      record({ action: 'DENIED', what: 'consentStatus', outcome: 'FORBIDDEN' }),
      base,
    );
    expectValid(e as AuditEventResource);
    expect([e.action, e.outcome, e.outcomeDesc]).toEqual(['R', '4', 'FORBIDDEN']);
  });

  it('a record with no subject has no patient entity; with no user the installation is the requestor', () => {
    const e: Json = accessRecordToAuditEvent(
      'consent',
      record({ subjectId: null, roomId: null, actorId: null, actorRole: 'service', action: 'READ', what: 'x' }),
      base,
    );
    expectValid(e as AuditEventResource);
    expect(patientOf(e)).toBeUndefined();
    expect(entityRoles(e)).toEqual([domainResource]);
    expect(e.agent[0]).toMatchObject({
      who: { identifier: { system: 'urn:ietf:rfc:3986', value: 'https://renkei.example.jp/fhir' } },
      requestor: true,
      role: [{ text: 'service' }],
    });
    expect(code(e.agent[0].type.coding[0])).toBe('http://dicom.nema.org/resources/ontology/DCM#110150');
  });

  it('carries ids and codes only', () => {
    const text = JSON.stringify(accessRecordToAuditEvent('rooms', record(), base));
    const values = [...text.matchAll(/"(?:value|valueString|text|description|display)":"([^"]*)"/g)].map((m) => m[1]);
    for (const value of values)
      expect(value).toMatch(/^([0-9a-f-]{36}|[a-f0-9]{64}|\d+|https:\/\/renkei\.example\.jp\/fhir|[A-Za-z.\-: ()]+)$/);
  });
});

describe('identityEventToAuditEvent', () => {
  it('a subject read: the subject as patient', () => {
    const e: Json = identityEventToAuditEvent(identityEvent(), base);
    expectValid(e as AuditEventResource);
    expect(e.id).toBe('identity-7');
    expect(e.extension).toBeUndefined();
    expect([code(e.type), e.action, e.outcome]).toEqual([rest, 'R', '0']);
    expect(e.subtype.map(code)).toEqual([interaction('read')]);
    expect(patientOf(e)!.what.identifier).toEqual({
      system: 'https://renkei.example.jp/fhir/sid/subject',
      value: subject,
    });
    expect(e.agent[0].role).toEqual([{ text: 'DOCTOR' }]);
  });

  it('a sign-in failure: DICOM User Authentication / Login, outcome 4, the target in its own system', () => {
    const e: Json = identityEventToAuditEvent(
      identityEvent({ action: 'session.signIn', outcome: 'FAILURE', targetType: 'User', targetId: user }),
      base,
    );
    expectValid(e as AuditEventResource);
    expect(code(e.type)).toBe('http://dicom.nema.org/resources/ontology/DCM#110114');
    expect(e.subtype.map(code)).toEqual(['http://dicom.nema.org/resources/ontology/DCM#110122']);
    expect([e.action, e.outcome, e.outcomeDesc]).toEqual(['E', '4', 'FAILURE']);
    expect(patientOf(e)).toBeUndefined();
    expect(e.entity[0].what.identifier).toEqual({ system: 'https://renkei.example.jp/fhir/sid/user', value: user });
  });

  it('a denied certificate revocation: update, outcome 4, the certificate in its own system', () => {
    const e: Json = identityEventToAuditEvent(
      identityEvent({
        action: 'certificate.revoke',
        outcome: 'DENIED',
        targetType: 'ClientCertificate',
        targetId: 'f1',
      }),
      base,
    );
    expectValid(e as AuditEventResource);
    expect([e.action, e.outcome, e.outcomeDesc]).toEqual(['U', '4', 'DENIED']);
    expect(e.entity[0].what.identifier.system).toBe('https://renkei.example.jp/fhir/sid/client-certificate');
  });
});

describe('the validation the export applies', () => {
  it('refuses a broken structure and a code outside the required bindings', () => {
    const e: Json = accessRecordToAuditEvent('rooms', record(), base);
    expect(validateR4({ ...e, recorded: 'yesterday' }).valid).toBe(false);
    expect(validateR4({ ...e, agent: undefined }).valid).toBe(false);
    expect(auditEventBindingIssues({ ...e, action: 'X', outcome: '1' }).map((i) => i.expression)).toEqual([
      'AuditEvent.action',
      'AuditEvent.outcome',
    ]);
  });
});
