// The events rooms emits, each defined once (lib/events/define-event.ts):
// written to rooms' outbox (services/outbox.ts) in the transaction of the
// change, handled by the adapters' jobs, which read the payload with the same
// schema. Ids only: the jobs re-read current state. care.changed, which
// rooms writes too, is shared (lib/events/care-changed.ts).
import { z } from 'zod';
import { defineEvent } from '../../lib/events/define-event';

const outboundJoinRef = z.object({ requestId: z.string().uuid() }).strict();

/** An inbound (Art. 20-2) join request was approved or rejected, or ended without a decision: the partner's Task follows. */
export const inboundJoinDecidedEvent = defineEvent({
  type: 'inbound-join.decided',
  version: 1,
  payload: z
    .object({
      joinRequestId: z.string().uuid(),
      /** The inbound Task id (integration schema), the request's correlation id. */
      correlationId: z.string().uuid(),
    })
    .strict(),
});

/** An approved outbound (Art. 20-3) join request is to be sent to the partner. */
export const outboundJoinApprovedEvent = defineEvent({
  type: 'outbound-join.approved',
  version: 1,
  payload: outboundJoinRef,
});

/** A request withdrawn after approval: the partner is asked to cancel the Task it may hold. */
export const outboundJoinWithdrawnEvent = defineEvent({
  type: 'outbound-join.withdrawn',
  version: 1,
  payload: outboundJoinRef,
});

/** The partner has the Task: poll it until it is final. */
export const outboundJoinSentEvent = defineEvent({
  type: 'outbound-join.sent',
  version: 1,
  payload: outboundJoinRef,
});
