export { consentRecorders, storeConsentCareRelationships, type ConsentCareDb } from './services/care-facts';
export { recordKnownSubjects, type KnownSubjectsDb } from './services/known-subjects';
export { consentOutbox, type OutboxDb } from './services/outbox';
export {
  consentGrantedEvent,
  consentWithdrawnEvent,
  legalExceptionEndedEvent,
  legalExceptionRecordedEvent,
  sharingChangedEvents,
} from './events';
export { joinConsentOf, sharingBasisOf, type SharingDb } from './services/sharing-service';
export { consentPurposes, type ConsentPurpose } from './domain/consent-form-rules';
