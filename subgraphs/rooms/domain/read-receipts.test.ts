import { postsToMarkRead } from './read-receipts';

const room = 'room-1';
const post = (id: string, over: Partial<{ roomId: string; removedAt: Date | null }> = {}) => ({
  id,
  roomId: room,
  removedAt: null,
  ...over,
});

describe('which posts a batch of read receipts marks', () => {
  it('visible posts of the room, in the order asked', () => {
    expect(postsToMarkRead(room, ['b', 'a'], [post('a'), post('b')])).toEqual(['b', 'a']);
  });

  it('each post once, however often it is named', () => {
    expect(postsToMarkRead(room, ['a', 'a', 'b', 'a'], [post('a'), post('b')])).toEqual(['a', 'b']);
  });

  it('not a post of another room', () => {
    expect(postsToMarkRead(room, ['a', 'x'], [post('a'), post('x', { roomId: 'room-2' })])).toEqual(['a']);
  });

  it('not a removed post (hidden from members, Art. 23-4)', () => {
    expect(postsToMarkRead(room, ['a', 'r'], [post('a'), post('r', { removedAt: new Date() })])).toEqual(['a']);
  });

  it('not an id that names no post', () => {
    expect(postsToMarkRead(room, ['a', 'missing'], [post('a')])).toEqual(['a']);
  });

  it('ids in either case name the same post', () => {
    expect(postsToMarkRead(room, ['ABC', 'abc'], [post('abc')])).toEqual(['abc']);
  });

  it('nothing to mark: an empty answer', () => {
    expect(postsToMarkRead(room, [], [post('a')])).toEqual([]);
  });
});
