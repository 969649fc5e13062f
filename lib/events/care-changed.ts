// care.changed: written by every owner of a care fact in the transaction of
// the change (identity: a registration; rooms: members, rooms, Forms 8-10,
// existence checks; consent: Forms 6/7, withdrawals, exceptions), so it is
// defined here rather than in one subgraph. Ids only: the job
// (adapters/jobs/care-relationships-changed.ts) re-reads the facts.
import { z } from 'zod';
import { defineEvent, type EventPayload } from './define-event';

export const careChangedEvent = defineEvent({
  type: 'care.changed',
  version: 1,
  payload: z.union([
    z.object({ subjectId: z.string().uuid() }).strict(),
    z.object({ existenceCheckId: z.string().uuid() }).strict(),
  ]),
});
export type CareChangedPayload = EventPayload<typeof careChangedEvent>;
