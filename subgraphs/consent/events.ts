// The events consent emits, each defined once (lib/events/define-event.ts):
// written to consent's outbox (services/outbox.ts) in the transaction of the
// change, handled by the adapters' jobs with the same schema. Ids only.
// care.changed, which consent writes too, is shared (lib/events/care-changed.ts).
import { z } from 'zod';
import { defineEvent } from '../../lib/events/define-event';

const consentEntry = z
  .object({
    subjectId: z.string().uuid(),
    /** The consent history entry (for a withdrawal, its WITHDRAWN entry: one per withdrawal). */
    consentRecordId: z.string().uuid(),
  })
  .strict();
const legalException = z.object({ subjectId: z.string().uuid(), exceptionId: z.string().uuid() }).strict();

export const consentWithdrawnEvent = defineEvent({ type: 'consent.withdrawn', version: 1, payload: consentEntry });
export const consentGrantedEvent = defineEvent({ type: 'consent.granted', version: 1, payload: consentEntry });
export const legalExceptionRecordedEvent = defineEvent({
  type: 'legal-exception.recorded',
  version: 1,
  payload: legalException,
});
export const legalExceptionEndedEvent = defineEvent({
  type: 'legal-exception.ended',
  version: 1,
  payload: legalException,
});

/** The events after which a subject's sharing basis may have changed (rooms keeps a view of it). */
export const sharingChangedEvents = [
  consentGrantedEvent,
  consentWithdrawnEvent,
  legalExceptionRecordedEvent,
  legalExceptionEndedEvent,
] as const;
