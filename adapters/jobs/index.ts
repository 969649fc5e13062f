import type { AnyJobDefinition } from '../job-definition';
import { auditCheckpoint } from './audit-checkpoint';
import { certificateExpiry } from './certificate-expiry';
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
import { outboundSubscription } from './outbound-subscription';
import { outboundSubscriptionNotified } from './outbound-subscription-notified';
import { sharingReview } from './sharing-review';
import { subjectSharingChanged } from './subject-sharing-changed';
import { taskSubscriptionNotify } from './task-subscription-notify';
import { taskSubscriptionRedrive } from './task-subscription-redrive';
import { workerHeartbeat } from './worker-heartbeat';

/** Every job type the worker runs. */
export const jobDefinitions: ReadonlyArray<AnyJobDefinition> = [
  workerHeartbeat,
  disableInactiveAccounts,
  consentWithdrawn,
  // Art. 20-2 inbound joins: a partner's Task becomes a join request; the decision goes back to the Task.
  inboundJoinReceived,
  inboundJoinDecided,
  inboundJoinPartnerSuspended,
  // Push: status changes of a partner's Tasks to its subscription's rest-hook (polling stays for the others).
  taskSubscriptionNotify,
  taskSubscriptionRedrive,
  // Art. 20-3 outbound joins: send, follow the partner's Task, cancel it on a late withdrawal, keep external memberships current.
  outboundJoinSend,
  outboundJoinPoll,
  outboundJoinCancel,
  // Push from partners that offer it: our subscription at the partner, and reading the Task when it notifies us.
  outboundSubscription,
  outboundSubscriptionNotified,
  externalRoomSync,
  exchangeRedrive,
  subjectSharingChanged,
  sharingReview,
  directoryChanged,
  // Need to know: each owner's copy of who is related to which subject.
  careRelationshipsChanged,
  careRelationshipsBackfill,
  // Issue 14: the access chains' heads signed with a key outside the database.
  auditCheckpoint,
  // Issue 15: notices to facility managers and system admins before a certificate expires.
  certificateExpiry,
];
