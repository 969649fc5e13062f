import type { JobDefinition } from '../job-definition';
import { careRelationshipsBackfill, careRelationshipsChanged } from './care-relationships-changed';
import { consentWithdrawn } from './consent-withdrawn';
import { directoryChanged } from './directory-changed';
import { disableInactiveAccounts } from './disable-inactive-accounts';
import { inboundJoinDecided } from './inbound-join-decided';
import { inboundJoinPartnerSuspended } from './inbound-join-partner-suspended';
import { inboundJoinReceived } from './inbound-join-received';
import { exchangeRedrive } from './exchange-redrive';
import { externalRoomSync } from './external-room-sync';
import { outboundJoinCancel } from './outbound-join-cancel';
import { outboundJoinPoll } from './outbound-join-poll';
import { outboundJoinSend } from './outbound-join-send';
import { sharingReview } from './sharing-review';
import { subjectSharingChanged } from './subject-sharing-changed';
import { workerHeartbeat } from './worker-heartbeat';

/** Every job type the worker runs. */
export const jobDefinitions: ReadonlyArray<JobDefinition<never>> = [
  workerHeartbeat as JobDefinition<never>,
  disableInactiveAccounts as JobDefinition<never>,
  consentWithdrawn as JobDefinition<never>,
  // Art. 20-2 inbound joins: a partner's Task becomes a join request; the decision goes back to the Task.
  inboundJoinReceived as JobDefinition<never>,
  inboundJoinDecided as JobDefinition<never>,
  inboundJoinPartnerSuspended as JobDefinition<never>,
  // Art. 20-3 outbound joins: send, follow the partner's Task, cancel it on a late withdrawal, keep external memberships current.
  outboundJoinSend as JobDefinition<never>,
  outboundJoinPoll as JobDefinition<never>,
  outboundJoinCancel as JobDefinition<never>,
  externalRoomSync as JobDefinition<never>,
  exchangeRedrive as JobDefinition<never>,
  subjectSharingChanged as JobDefinition<never>,
  sharingReview as JobDefinition<never>,
  directoryChanged as JobDefinition<never>,
  // Need to know: each owner's copy of who is related to which subject.
  careRelationshipsChanged as JobDefinition<never>,
  careRelationshipsBackfill as JobDefinition<never>,
];
