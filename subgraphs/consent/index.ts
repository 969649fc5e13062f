export { consentRecorders, storeConsentCareRelationships, type ConsentCareDb } from './services/care-facts';
export { recordKnownSubjects, type KnownSubjectsDb } from './services/known-subjects';
export {
  consentGrantedEvent,
  consentOutbox,
  consentWithdrawnEvent,
  legalExceptionEndedEvent,
  legalExceptionRecordedEvent,
  type OutboxDb,
} from './services/outbox';
export { sharingBasisOf, type SharingDb } from './services/sharing-service';
