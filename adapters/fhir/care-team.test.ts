import type { ExternalParticipant } from '../../generated/prisma/client';
import { capabilityStatement } from './capability-statement';
import { renderCareTeam } from './care-team';
import { validateR4 } from './validator';

const opened = new Date('2026-11-01T00:00:00Z');
const participant = (over: Partial<ExternalParticipant> = {}): ExternalParticipant => ({
  id: 'p-1',
  roomId: 'r-1',
  partnerId: 'partner-1',
  joinRequestId: 'j-1',
  practitionerSystem: 'https://himi.example/users',
  practitionerValue: 'nurse-1',
  name: '氷見 看護師',
  organizationName: '氷見訪問看護ステーション',
  organizationIdentifiers: [],
  addedBy: 'u-1',
  addedAt: new Date('2026-11-02T00:00:00Z'),
  removedAt: null,
  removedBy: null,
  removedReason: null,
  ...over,
});

describe('the CareTeam a partner sees', () => {
  it("names a participant's organisation by its identifier when the partner sent one (contract v2), valid R4", () => {
    const jp = { system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: '0110113719' };
    const team = renderCareTeam({
      scope: 'full',
      room: { id: '1b6e4c4e-4b8a-4e0e-9f3a-000000000001', status: 'OPEN', openedAt: opened },
      participants: [participant({ organizationIdentifiers: [jp, { system: 'urn:other', value: 'x' }] })],
    });
    expect((team.participant as Array<Record<string, unknown>>)[0]?.onBehalfOf).toEqual({
      type: 'Organization',
      identifier: jp,
      display: '氷見訪問看護ステーション',
    });
    expect(validateR4(team)).toEqual({ valid: true });
  });

  it('maps an open room to active with an open period and its participants', () => {
    const team = renderCareTeam({
      scope: 'full',
      room: { id: '1b6e4c4e-4b8a-4e0e-9f3a-000000000001', status: 'OPEN', openedAt: opened },
      participants: [participant()],
    });
    expect(team).toMatchObject({ resourceType: 'CareTeam', status: 'active', period: { start: opened.toISOString() } });
    expect(team.participant).toEqual([
      {
        member: {
          type: 'Practitioner',
          identifier: { system: 'https://himi.example/users', value: 'nurse-1' },
          display: '氷見 看護師',
        },
        onBehalfOf: { type: 'Organization', display: '氷見訪問看護ステーション' },
        period: { start: '2026-11-02T00:00:00.000Z' },
      },
    ]);
    expect(validateR4(team)).toEqual({ valid: true });
  });

  it('ends a removed participant at its removal', () => {
    const removedAt = new Date('2026-11-10T00:00:00Z');
    const team = renderCareTeam({
      scope: 'full',
      room: { id: '1b6e4c4e-4b8a-4e0e-9f3a-000000000001', status: 'OPEN', openedAt: opened },
      participants: [participant({ removedAt }), participant({ id: 'p-2' })],
    });
    expect(team).toMatchObject({ status: 'active', period: { start: opened.toISOString() } });
    expect((team.participant as Array<{ period: { end?: string } }>).map((p) => p.period.end)).toEqual([
      removedAt.toISOString(),
      undefined,
    ]);
    expect(validateR4(team)).toEqual({ valid: true });
  });

  it('shows a room whose sharing stopped by its status alone: no period, no participants, still valid R4', () => {
    const id = '1b6e4c4e-4b8a-4e0e-9f3a-000000000001';
    const suspended = renderCareTeam({ scope: 'status', room: { id, status: 'SUSPENDED' } });
    const closed = renderCareTeam({ scope: 'status', room: { id, status: 'CLOSED' } });
    expect(suspended).toEqual({ resourceType: 'CareTeam', id, status: 'suspended' });
    expect(closed).toEqual({ resourceType: 'CareTeam', id, status: 'inactive' });
    expect(validateR4(suspended)).toEqual({ valid: true });
    expect(validateR4(closed)).toEqual({ valid: true });
  });

  it('has a valid CapabilityStatement naming Task and CareTeam', () => {
    const statement = capabilityStatement('https://renkei.example/fhir', new Date());
    expect(validateR4(statement)).toEqual({ valid: true });
    expect(JSON.stringify(statement)).toMatch(/"type":"Task".*"type":"CareTeam"/);
  });
});
