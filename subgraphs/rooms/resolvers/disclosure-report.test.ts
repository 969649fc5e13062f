import { encodeClosure } from '../domain/room-access';
import { DisclosedRoom } from './disclosure-report';
import type { DisclosedRoomParent } from './parents';

const room = (closedReason: string | null): DisclosedRoomParent => ({
  id: '00000000-0000-4000-8000-000000000001',
  title: '部屋',
  status: 'CLOSED',
  openedAt: new Date('2026-01-05T00:00:00Z'),
  closedAt: closedReason ? new Date('2026-02-05T00:00:00Z') : null,
  closedReason,
  memberCount: 1,
  formerMemberCount: 0,
  postsByCategory: [],
  meetingCount: 0,
});

describe('DisclosedRoom.closedReason', () => {
  it("shows the closure's reason, never the manager's note stored with it (which the enum cannot carry)", () => {
    expect(DisclosedRoom.closedReason(room(encodeClosure('MOVED', '転居のため')))).toBe('MOVED');
    expect(DisclosedRoom.closedReason(room(encodeClosure('DEATH', null)))).toBe('DEATH');
    expect(DisclosedRoom.closedReason(room(null))).toBeNull();
  });
});
