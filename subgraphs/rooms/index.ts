export { sharingAllowed } from './domain/sharing-rules';
export { partnerTarget, type PartnerCareTeamView } from './exchange/domain/partner-view';
export { countWaitingDeadLetters, recordDeadLetter, type DeadLetterDb } from './exchange/services/dead-letter-service';
export {
  finalExchangeStatuses,
  markSendAttempted,
  membershipsToSync,
  recordCancelRefused,
  recordCareTeam,
  recordFailure,
  recordPartnerDecision,
  recordPartnerTask,
  recordRefused,
  recordSent,
  redriveQuietRequests,
  requestToCancel,
  requestToPoll,
  requestToSend,
  type CareTeamView,
  type OutboundExchangeDb,
  type PartnerTaskView,
} from './exchange/services/external-membership-exchange';
export { careTeamForPartner, recordPartnerAccess } from './exchange/services/external-participant-service';
export {
  cancelInboundJoinForTask,
  cancelledByRequesterReason,
  createInboundJoinRequestIn,
  type ConsentBasis,
  inboundJoinOutcome,
  partnerSuspendedReason,
  type Canceller,
  type InboundJoinDb,
} from './exchange/services/inbound-join-service';
export { resolveShareCode } from './exchange/services/share-code-service';
export {
  existenceCheckQuestion,
  roomsCareFacts,
  storeRoomsCareRelationships,
  type RoomsCareDb,
} from './services/care-facts';
export { endMembershipsOfDeparted, refreshDirectory, type DepartureDb } from './services/directory-view';
export { roomsOutbox } from './services/outbox';
export {
  inboundJoinDecidedEvent,
  outboundJoinApprovedEvent,
  outboundJoinSentEvent,
  outboundJoinWithdrawnEvent,
} from './events';
export { lapsedSharingViews, refreshSubjectSharing, type SharingViewDb } from './services/sharing-view';
export { suspendRoomsOfSubject, type SuspensionDb } from './services/suspension-service';
