import { z } from 'zod';
import { defineEvent } from '../lib/events/define-event';
import { eventJobData, openJobData, readJobPayload } from './job-payload';

const id = '6f1c2a7e-2b0d-4c1e-9a51-3f4b5c6d7e8f';
const requestId = '0b6f3c1e-8a2d-4f7e-9c3b-1d2e3f4a5b6c';
const sent = defineEvent({
  type: 'thing.sent',
  version: 2,
  payload: z.object({ thingId: z.string().uuid() }).strict(),
});
const eventDriven = { queue: 'thing-sent', events: [sent] };
const scheduled = { queue: 'sweep', payload: z.object({}).strict() };

describe('job data', () => {
  it('carries the version, request id and outbox beside the payload, and reads them back', () => {
    const data = eventJobData({ version: 2, requestId, payload: { thingId: id } }, 'rooms');
    expect(data).toEqual({ version: 2, requestId, outbox: 'rooms', payload: { thingId: id } });
    expect(openJobData(JSON.parse(JSON.stringify(data)))).toEqual({
      version: 2,
      requestId,
      outbox: 'rooms',
      payload: { thingId: id },
    });
    expect(eventJobData({ version: 1, requestId: null, payload: {} }, 'consent')).toEqual({
      version: 1,
      outbox: 'consent',
      payload: {},
    });
    expect(openJobData({ outbox: 7, payload: {} }).outbox).toBeUndefined();
  });

  it('trusts a request id only when it is a UUID', () => {
    expect(openJobData({ requestId: 'Taro Yamada\n', payload: {} }).requestId).toBeUndefined();
    expect(openJobData({ requestId: requestId.toUpperCase(), payload: {} }).requestId).toBe(requestId);
  });

  it('reads data without an envelope (a job queued before it) as the payload itself', () => {
    expect(openJobData({ thingId: id })).toEqual({
      payload: { thingId: id },
      version: undefined,
      requestId: undefined,
      outbox: undefined,
    });
  });
});

describe('reading a job payload at pickup', () => {
  it("parses an event's payload with the schema of the event the job is named after", () => {
    expect(readJobPayload(eventDriven, 'thing.sent', { payload: { thingId: id }, version: 2 })).toEqual({
      ok: true,
      payload: { thingId: id },
    });
    expect(readJobPayload(eventDriven, 'thing.sent', { payload: { thingId: id }, version: 1 }).ok).toBe(true);
  });

  it('refuses a bad payload, an unknown event name and a version newer than the definition', () => {
    const bad = readJobPayload(eventDriven, 'thing.sent', { payload: { thingId: 'x', name: 'Hanako' }, version: 2 });
    expect(bad).toEqual({ ok: false, reason: expect.stringMatching(/^INVALID_EVENT_PAYLOAD: thing.sent/) });
    expect(JSON.stringify(bad)).not.toContain('Hanako');
    expect(readJobPayload(eventDriven, 'thing.lost', { payload: { thingId: id }, version: 2 }).ok).toBe(false);
    expect(readJobPayload(eventDriven, 'thing.sent', { payload: { thingId: id }, version: 3 })).toEqual({
      ok: false,
      reason: "thing.sent version 3 is newer than this worker's 2",
    });
  });

  it("parses a scheduled job's payload with its own schema", () => {
    expect(readJobPayload(scheduled, 'sweep', { payload: {}, version: undefined })).toEqual({ ok: true, payload: {} });
    expect(readJobPayload(scheduled, 'sweep', { payload: { extra: 1 }, version: undefined }).ok).toBe(false);
  });
});
