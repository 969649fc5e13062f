import { z } from 'zod';
import {
  defineEvent,
  InvalidEventPayload,
  parseEventPayload,
  safeParseEventPayload,
  type EventPayload,
} from './define-event';

const roomClosed = defineEvent({
  type: 'room.closed',
  version: 1,
  payload: z.object({ roomId: z.string().uuid() }).strict(),
});
const roomId = '6f1c2a7e-2b0d-4c1e-9a51-3f4b5c6d7e8f';

describe('defineEvent', () => {
  it('keeps the type, the version and the schema, frozen', () => {
    expect(roomClosed.type).toBe('room.closed');
    expect(roomClosed.version).toBe(1);
    expect(Object.isFrozen(roomClosed)).toBe(true);
    const payload: EventPayload<typeof roomClosed> = { roomId };
    expect(parseEventPayload(roomClosed, payload)).toEqual({ roomId });
  });

  it.each([0, -1, 1.5])('refuses version %p', (version) => {
    expect(() => defineEvent({ type: 'x.y', version, payload: z.object({}) })).toThrow(/positive integer/);
  });

  it('refuses a payload its schema does not accept, naming paths and codes but never values', () => {
    const bad = { roomId, subjectName: '山田 太郎' };
    const parsed = safeParseEventPayload(roomClosed, bad);
    expect(parsed.ok).toBe(false);
    expect(() => parseEventPayload(roomClosed, bad)).toThrow(InvalidEventPayload);
    try {
      parseEventPayload(roomClosed, { roomId: 'not-a-uuid' });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventPayload);
      expect((error as InvalidEventPayload).eventType).toBe('room.closed');
      expect((error as Error).message).toBe('INVALID_EVENT_PAYLOAD: room.closed: roomId: invalid_string');
      expect((error as Error).message).not.toContain('not-a-uuid');
    }
    expect((parsed as { error: Error }).error.message).not.toContain('山田');
  });

  it('reads a union of shapes, as care.changed has', () => {
    const either = defineEvent({
      type: 'either',
      version: 1,
      payload: z.union([z.object({ a: z.string() }).strict(), z.object({ b: z.string() }).strict()]),
    });
    expect(parseEventPayload(either, { b: 'x' })).toEqual({ b: 'x' });
    expect(() => parseEventPayload(either, { a: 'x', b: 'y' })).toThrow(/INVALID_EVENT_PAYLOAD: either/);
  });
});
