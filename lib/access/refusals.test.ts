import { operations } from './permissions';
import { roles } from './principal';
import { isOperation, refusalMessage } from './refusals';

describe('refusal messages', () => {
  it('never show the permission table’s internal names', () => {
    for (const role of roles)
      for (const operation of operations) expect(refusalMessage(role, [operation])).not.toContain(operation);
  });

  it('say who may, and the other way a paper form is recorded', () => {
    expect(refusalMessage('SYSTEM_ADMIN', ['facility.submit'])).toBe(
      "the system administrator may not submit a facility's Forms 1–3 (registration, change, stop): a facility manager may; to record a paper form a facility sent in, give its facility id as onPaperFor",
    );
    expect(refusalMessage('USER', ['room.decide'])).toBe(
      'a user may not approve or reject a room application, or open or close a room: the system administrator, an administrative manager or a core-hospital manager may',
    );
  });

  it('name the condition of a conditional grant', () => {
    expect(refusalMessage('FACILITY_MANAGER', ['user.submit'])).toBe(
      "you may submit a user's Forms 4–5 (registration, change, retirement) only for your own facility",
    );
    expect(refusalMessage('USER', ['room.content'])).toBe(
      "only members of the room may read or write this room's content",
    );
  });

  it('knows the table’s operations from other names', () => {
    expect(isOperation('room.decide')).toBe(true);
    expect(isOperation('password.reset.manager')).toBe(false);
    expect(isOperation('toString')).toBe(false);
  });
});
