import { buildJoinTask, parseJoinTask, renderInboundTask, type JoinTaskInput } from './join-task';
import { validateR4 } from './validator';
import { careProviderNumberSystem, medicalInstitutionCodeSystem } from '../../lib/exchange/jp-identifiers';

const request: JoinTaskInput = {
  identifier: { system: 'https://partner.example/requests', value: 'req-1' },
  shareCode: 'abcdefghijklmnopqrstuvwxyz012345',
  authoredOn: '2026-11-25T09:00:00+09:00',
  requester: { system: 'https://partner.example/users', value: 'admin-1', display: '管理 一郎' },
  practitioner: { system: 'https://partner.example/users', value: 'user-7', display: '看護 花子' },
  organization: { display: '氷見訪問看護ステーション', identifiers: [] },
  reason: '退院後の在宅療養に訪問看護で関わるため',
  consent: null,
};
const systems = { requesterSystem: 'https://partner.example/requests', userSystem: 'https://partner.example/users' };

describe('the join Task', () => {
  it('builds a Task that is valid R4 and parses back to the same request', () => {
    const task = buildJoinTask(request);
    expect(validateR4(task)).toEqual({ valid: true });
    expect(parseJoinTask(task, systems)).toEqual({ ok: true, value: request });
  });

  it('carries the organisation identifiers (contract v2) as valid R4: a contained Organization and the Reference', () => {
    const identifiers = [
      { system: medicalInstitutionCodeSystem, value: '0110113719' },
      { system: careProviderNumberSystem, value: '1670100001' },
      { system: 'https://renkei.example/fhir/sid/facility', value: 'f-1' },
    ];
    const withIds = { ...request, organization: { ...request.organization, identifiers } };
    const task = buildJoinTask(withIds);
    expect(validateR4(task)).toEqual({ valid: true });
    expect(task.contained).toEqual([
      { resourceType: 'Organization', id: 'org', identifier: identifiers, name: '氷見訪問看護ステーション' },
    ]);
    const orgInput = (task.input as Array<Record<string, unknown>>)[1];
    expect(orgInput?.valueReference).toEqual({
      reference: '#org',
      type: 'Organization',
      identifier: identifiers[0],
      display: '氷見訪問看護ステーション',
    });
    expect(parseJoinTask(task, systems)).toEqual({ ok: true, value: withIds });
  });

  it('reads the older OID forms of a partner organisation as the JP Core form', () => {
    const jp = { system: medicalInstitutionCodeSystem, value: '0110113719' };
    const oidParts = [
      { system: 'urn:oid:1.2.392.100495.20.3.21', value: '01' },
      { system: 'urn:oid:1.2.392.100495.20.3.22', value: '1' },
      { system: 'urn:oid:1.2.392.100495.20.3.23', value: '0113719' },
    ];
    const task = buildJoinTask({ ...request, organization: { ...request.organization, identifiers: oidParts } });
    expect(validateR4(task)).toEqual({ valid: true });
    const parsed = parseJoinTask(task, systems);
    expect(parsed.ok && parsed.value.organization.identifiers).toEqual([jp]);
    // A 10-digit code under the .23 OID, in the Reference alone.
    const single = buildJoinTask(request);
    (single.input as Array<Record<string, unknown>>)[1]!.valueReference = {
      identifier: { system: 'urn:oid:1.2.392.100495.20.3.23', value: '0110113719' },
      display: '氷見訪問看護ステーション',
    };
    const parsedSingle = parseJoinTask(single, systems);
    expect(parsedSingle.ok && parsedSingle.value.organization.identifiers).toEqual([jp]);
  });

  it.each([
    [
      'a medical institution code with a wrong check digit',
      [{ system: medicalInstitutionCodeSystem, value: '0110113718' }],
    ],
    [
      'a 7-digit OID code without its prefecture and fee-schedule parts',
      [{ system: 'urn:oid:1.2.392.100495.20.3.23', value: '0113719' }],
    ],
    ['a care-provider number that is not 10 digits', [{ system: careProviderNumberSystem, value: '16701' }]],
  ])('refuses an organisation with %s', (_label, identifiers) => {
    const task = buildJoinTask({ ...request, organization: { ...request.organization, identifiers } });
    expect(parseJoinTask(task, systems)).toEqual({
      ok: false,
      problem: {
        kind: 'INVALID_RESOURCE',
        issues: [expect.objectContaining({ expression: 'Task.input:organization.valueReference.identifier' })],
      },
    });
  });

  it('refuses an organisation reference that is not a contained Organization', () => {
    const task = buildJoinTask(request);
    (task.input as Array<Record<string, unknown>>)[1]!.valueReference = {
      reference: 'Organization/123',
      display: 'x',
    };
    expect(parseJoinTask(task, systems)).toEqual({
      ok: false,
      problem: {
        kind: 'INVALID_RESOURCE',
        issues: [expect.objectContaining({ expression: 'Task.input:organization.valueReference.reference' })],
      },
    });
  });

  it('refuses invalid FHIR before looking at the contract', () => {
    const parsed = parseJoinTask({ ...buildJoinTask(request), status: 'bogus' });
    expect(parsed).toEqual({
      ok: false,
      problem: { kind: 'INVALID_RESOURCE', issues: [expect.objectContaining({ expression: 'Task.status' })] },
    });
    expect(parseJoinTask({ resourceType: 'Patient' })).toEqual({
      ok: false,
      problem: { kind: 'INVALID_RESOURCE', issues: [{ expression: 'resourceType', message: 'must be Task' }] },
    });
  });

  it('answers a wrong task code as its own problem', () => {
    const task = {
      ...buildJoinTask(request),
      code: { coding: [{ system: 'urn:renkei:task-code', code: 'something-else' }] },
    };
    expect(parseJoinTask(task)).toEqual({
      ok: false,
      problem: expect.objectContaining({ kind: 'WRONG_TASK_CODE', expression: 'Task.code' }),
    });
  });

  it.each([
    ['status other than requested', { status: 'accepted' }, 'Task.status'],
    ['intent other than order', { intent: 'plan' }, 'Task.intent'],
    ['no identifier', { identifier: undefined }, 'Task.identifier'],
    [
      'focus not a share code',
      { focus: { type: 'CareTeam', identifier: { system: 'urn:other', value: 'x' } } },
      'Task.focus.identifier.system',
    ],
    [
      'no requester display',
      { requester: { identifier: { system: 'https://partner.example/users', value: 'a' } } },
      'Task.requester.display',
    ],
    ['no inputs', { input: undefined }, 'Task.input:practitioner'],
  ])('refuses a Task with %s', (_label, change, expression) => {
    const task = { ...buildJoinTask(request), ...change };
    const parsed = parseJoinTask(JSON.parse(JSON.stringify(task)));
    expect(parsed).toEqual({
      ok: false,
      problem: { kind: 'INVALID_RESOURCE', issues: [expect.objectContaining({ expression })] },
    });
  });

  it('refuses over-long values a partner could make us store', () => {
    const parsed = parseJoinTask(buildJoinTask({ ...request, reason: 'x'.repeat(2001) }));
    expect(parsed).toEqual({
      ok: false,
      problem: {
        kind: 'INVALID_RESOURCE',
        issues: [expect.objectContaining({ expression: 'Task.input:reason.valueString' })],
      },
    });
  });

  it('checks the identifier systems the partner registered', () => {
    expect(parseJoinTask(buildJoinTask(request), { ...systems, requesterSystem: 'https://other/requests' })).toEqual({
      ok: false,
      problem: expect.objectContaining({ kind: 'WRONG_IDENTIFIER_SYSTEM', expression: 'Task.identifier.system' }),
    });
    expect(parseJoinTask(buildJoinTask(request), { ...systems, userSystem: 'https://other/users' })).toEqual({
      ok: false,
      problem: expect.objectContaining({
        kind: 'WRONG_IDENTIFIER_SYSTEM',
        expression: 'Task.requester.identifier.system',
      }),
    });
  });

  it('renders a stored Task with our id, its status, reason and CareTeam output, valid R4', () => {
    const at = new Date('2026-11-25T01:00:00Z');
    const rejected = renderInboundTask(buildJoinTask(request), {
      id: '6f1c2a36-0c0e-4a43-9d55-6b2d4c6f9d10',
      status: 'rejected',
      statusReason: 'not needed',
      lastUpdated: at,
    });
    expect(rejected).toMatchObject({
      id: '6f1c2a36-0c0e-4a43-9d55-6b2d4c6f9d10',
      status: 'rejected',
      statusReason: { text: 'not needed' },
    });
    expect(validateR4(rejected)).toEqual({ valid: true });
    const completed = renderInboundTask(buildJoinTask(request), {
      id: '6f1c2a36-0c0e-4a43-9d55-6b2d4c6f9d10',
      status: 'completed',
      careTeamId: 'c0ffee00-0000-4000-8000-000000000001',
      lastUpdated: at,
    });
    expect(completed.output).toEqual([
      expect.objectContaining({
        valueReference: { reference: 'CareTeam/c0ffee00-0000-4000-8000-000000000001', type: 'CareTeam' },
      }),
    ]);
    expect(validateR4(completed)).toEqual({ valid: true });
  });
});
