export { type IdentityDependencies } from './context';
export {
  facilitiesOfUsers,
  registrationStep,
  storeIdentityCareRelationships,
  subjectQuestionKey,
  subjectsNamedBy,
  subjectsWithoutCareSet,
} from './services/care-facts';
export { directoryFactsFor } from './services/directory-facts';
export { taskNames } from './partners/exchange-names';
export { directoryChangedEvent, identityOutbox, type DirectoryRef } from './services/outbox';
export {
  findPartnerByCertificate,
  findPartnerForExchange,
  partnerSuspendedEvent,
  partnerTransport,
  suspendedSince,
  type ExchangePartner,
  type PartnerTransport,
} from './partners/partner-service';
export { disableInactiveAccounts } from './services/system-admin-service';
export { identitySettingsFrom } from './settings';
