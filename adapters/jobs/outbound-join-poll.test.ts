import { careTeamView } from './external-room-sync';
import { taskView } from './outbound-join-poll';

const task = (extra: Record<string, unknown>) => ({ resourceType: 'Task', id: 't-1', intent: 'order', ...extra });

describe("reading a partner's join Task", () => {
  it('follows the contract statuses and takes the CareTeam from output', () => {
    expect(taskView(task({ status: 'received' }))).toEqual({
      status: 'received',
      statusReason: null,
      careTeamId: null,
    });
    expect(taskView(task({ status: 'rejected', statusReason: { text: '受け入れ不可' } }))).toMatchObject({
      status: 'rejected',
      statusReason: '受け入れ不可',
    });
    expect(
      taskView(
        task({
          status: 'completed',
          output: [{ type: { text: 'care-team' }, valueReference: { reference: 'CareTeam/room-9' } }],
        }),
      ),
    ).toMatchObject({ status: 'completed', careTeamId: 'room-9' });
    expect(
      taskView(
        task({
          status: 'completed',
          output: [{ valueReference: { reference: 'https://himi.example/fhir/CareTeam/room-9' } }],
        }),
      )?.careTeamId,
    ).toBe('room-9');
  });

  it('keeps polling an in-between status, and ends a failed Task as cancelled', () => {
    expect(taskView(task({ status: 'in-progress' }))).toBeNull();
    expect(taskView(task({ status: 'failed' }))).toMatchObject({ status: 'cancelled' });
  });

  it('refuses a completed Task without its CareTeam (retried as invalid FHIR)', () => {
    expect(() => taskView(task({ status: 'completed' }))).toThrow(/names no CareTeam/);
  });
});

describe("reading a partner's CareTeam", () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const team = (participant: unknown[], status = 'active') => ({
    resourceType: 'CareTeam',
    id: 'c',
    status,
    participant,
  });
  const us = { member: { identifier: { system: 'https://takaoka.example/fhir/sid/user', value: 'u-1' } } };

  it('finds our user among the participants by our user system', () => {
    expect(careTeamView(team([us]), 'https://takaoka.example/fhir/sid/user', 'u-1', now)).toEqual({
      status: 'active',
      participant: true,
    });
    expect(careTeamView(team([us]), 'https://takaoka.example/fhir/sid/user', 'u-2', now).participant).toBe(false);
    expect(careTeamView(team([us]), 'https://other.example/sid/user', 'u-1', now).participant).toBe(false);
  });

  it('treats an ended participation period as removed', () => {
    expect(
      careTeamView(
        team([{ ...us, period: { end: '2026-11-25T11:00:00Z' } }]),
        'https://takaoka.example/fhir/sid/user',
        'u-1',
        now,
      ).participant,
    ).toBe(false);
    expect(
      careTeamView(
        team([{ ...us, period: { end: '2026-11-26T00:00:00Z' } }]),
        'https://takaoka.example/fhir/sid/user',
        'u-1',
        now,
      ).participant,
    ).toBe(true);
  });
});
