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
export { identityOutbox } from './services/outbox';
export { directoryChangedEvent, partnerSuspendedEvent, type DirectoryRef } from './events';
export {
  findPartnerByCertificate,
  findPartnerForExchange,
  partnerTransport,
  suspendedSince,
  type ExchangePartner,
  type PartnerTransport,
} from './partners/partner-service';
export { contractJwtAlgorithms, smartAssertionAlgorithms } from './partners/partner-auth-rules';
export { disableInactiveAccounts } from './services/system-admin-service';
export {
  warnOfExpiringCertificates,
  type CertificateExpiryDb,
  type WatchedCertificate,
} from './services/certificate-expiry-service';
export { identitySettingsFrom } from './settings';
