// The events identity emits, each defined once (lib/events/define-event.ts):
// written to identity's outbox (services/outbox.ts) in the transaction of the
// change, handled by the adapters' jobs with the same schema. Ids only: the
// jobs re-read the facts. care.changed, which identity writes too, is shared
// (lib/events/care-changed.ts).
import { z } from 'zod';
import { defineEvent, type EventPayload } from '../../lib/events/define-event';

/** A user, a facility (and so its users), a subject or a partner changed: rooms and consent refresh their views. */
export const directoryChangedEvent = defineEvent({
  type: 'directory.changed',
  version: 1,
  payload: z.union([
    z.object({ userId: z.string().uuid() }).strict(),
    z.object({ facilityId: z.string().uuid() }).strict(),
    z.object({ subjectId: z.string().uuid() }).strict(),
    z.object({ partnerId: z.string().uuid() }).strict(),
  ]),
});
export type DirectoryRef = EventPayload<typeof directoryChangedEvent>;

/** A partner was suspended: its pending inbound join requests end (adapters/jobs/inbound-join-partner-suspended.ts). */
export const partnerSuspendedEvent = defineEvent({
  type: 'partner.suspended',
  version: 1,
  payload: z.object({ partnerId: z.string().uuid() }).strict(),
});
