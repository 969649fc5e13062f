import { buildJoinTask, parseJoinTask, type JoinTaskInput } from './join-task';
import { buildJoinConsent, consentPurposeSystem } from './join-consent';
import { validateR4 } from './validator';

const request: JoinTaskInput = {
  identifier: { system: 'https://partner.example/requests', value: 'req-1' },
  shareCode: 'abcdefghijklmnopqrstuvwxyz012345',
  authoredOn: '2026-11-25T09:00:00+09:00',
  requester: { system: 'https://partner.example/users', value: 'admin-1', display: '管理 一郎' },
  practitioner: { system: 'https://partner.example/users', value: 'user-7', display: '看護 花子' },
  organization: { display: '氷見訪問看護ステーション', identifiers: [] },
  reason: '退院後の在宅療養に訪問看護で関わるため',
  consent: {
    purposes: ['PROVIDE_SERVICES', 'COORDINATE_PROVIDERS'],
    date: '2026-11-20',
    consenter: 'REPRESENTATIVE',
    relationship: '長男',
  },
};
const systems = { requesterSystem: 'https://partner.example/requests', userSystem: 'https://partner.example/users' };
type Json = Record<string, unknown>;
const consentIn = (task: Json) => (task.contained as Json[]).find((r) => r.resourceType === 'Consent') as Json;

describe('the consent that travels with a join (contract v2)', () => {
  it('is a contained R4 Consent the Task references, valid R4, and parses back to the same summary', () => {
    const task = buildJoinTask(request);
    expect(validateR4(task)).toEqual({ valid: true });
    expect(validateR4(buildJoinConsent(request.consent!))).toEqual({ valid: true });
    expect((task.input as Json[]).at(-1)).toEqual({
      type: { coding: [{ system: 'urn:renkei:task-input', code: 'consent' }] },
      valueReference: { reference: '#consent', type: 'Consent' },
    });
    expect(consentIn(task)).toMatchObject({
      status: 'active',
      scope: { coding: [{ code: 'patient-privacy' }] },
      dateTime: '2026-11-20',
      performer: [{ type: 'RelatedPerson' }],
      provision: {
        type: 'permit',
        purpose: [{ system: consentPurposeSystem, code: 'PROVIDE_SERVICES' }, expect.anything()],
      },
    });
    expect(parseJoinTask(task, systems)).toEqual({ ok: true, value: request });
    const bySubject = {
      ...request,
      consent: { ...request.consent!, consenter: 'SUBJECT' as const, relationship: null },
    };
    expect(parseJoinTask(buildJoinTask(bySubject), systems)).toEqual({ ok: true, value: bySubject });
  });

  it('carries no name, birth date or person reference', () => {
    const text = JSON.stringify(consentIn(buildJoinTask(request)));
    expect(text).not.toMatch(/birth|name|"reference"|patient"/i);
  });

  it('is optional: a v1 Task without one parses with consent null', () => {
    const parsed = parseJoinTask(buildJoinTask({ ...request, consent: null }), systems);
    expect(parsed.ok && parsed.value.consent).toBeNull();
  });

  const broken: Array<[string, (task: Json) => void, string]> = [
    ['not active', (t) => (consentIn(t).status = 'draft'), 'Task.contained.Consent.status'],
    [
      'another scope',
      (t) =>
        (consentIn(t).scope = {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }],
        }),
      'Task.contained.Consent.scope',
    ],
    ['no date', (t) => delete consentIn(t).dateTime, 'Task.contained.Consent.dateTime'],
    [
      'no purpose',
      (t) => ((consentIn(t).provision as Json).purpose = undefined),
      'Task.contained.Consent.provision.purpose',
    ],
    [
      'a purpose not ours',
      (t) => ((consentIn(t).provision as Json).purpose = [{ system: 'urn:other', code: 'x' }]),
      'Task.contained.Consent.provision.purpose',
    ],
    [
      'a performer that names a person',
      (t) => (consentIn(t).performer = [{ reference: 'Patient/1' }]),
      'Task.contained.Consent.performer',
    ],
    [
      'a reference to nothing',
      (t) => (t.contained = (t.contained as Json[]).filter((r) => r.resourceType !== 'Consent')),
      'Task.input:consent.valueReference.reference',
    ],
  ];
  it.each(broken)('refuses a Consent that is %s, naming where', (_label, breakIt, expression) => {
    const task = buildJoinTask(request);
    breakIt(task);
    expect(parseJoinTask(task, systems)).toEqual({
      ok: false,
      problem: expect.objectContaining({
        kind: 'INVALID_RESOURCE',
        issues: [
          expect.objectContaining({ expression: expect.stringContaining(expression.split('.').slice(0, 3).join('.')) }),
        ],
      }),
    });
  });
});
