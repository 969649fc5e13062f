// The one error vocabulary of our calls to partners (Art. 20-3). Every failed
// call ends as a PartnerCallError whose `code` is what an operator reads in
// the log line, on the outbound request (lastFailureCode) and on the dead
// letter (errorCode), so the three always agree:
//
//   HTTP_<status>        a non-2xx answer that is not a final refusal
//                        (5xx, 408, 429, 401/403 with an OperationOutcome, or
//                        any non-2xx whose body is not an OperationOutcome,
//                        e.g. a proxy's HTML 502)
//   REFUSED              a 4xx with an OperationOutcome: the partner's final
//                        answer (404 share code unknown, 400 invalid, ...)
//   NOT_FHIR             a 2xx whose body is not a FHIR resource (HTML, empty,
//                        not JSON, no resourceType)
//   WRONG_RESOURCE_TYPE  a 2xx with a resource of another type
//   INVALID_FHIR         the expected type, but not valid FHIR R4 (or not ours)
//   TIMEOUT, CONNECTION_REFUSED, CONNECTION_RESET, TLS, DNS, NETWORK
//                        the transport failed
//   DUPLICATE_TASKS      more than one Task at the partner carries our
//                        identifier (an anomaly: recorded, never "fixed" by
//                        creating another)
//   NOT_CONFIGURED       the partner's registration does not let us call it
//   SMART_DISCOVERY      (SMART Backend Services partners) its
//                        .well-known/smart-configuration is missing, not JSON,
//                        or names no https token endpoint taking
//                        private_key_jwt with ES384 and client_credentials
//   TOKEN_REFUSED        its token endpoint refused our client assertion or
//                        scopes (an OAuth error: usually a registration to
//                        fix at either side, so retried like a 401)
//   TOKEN_ENDPOINT       its token endpoint answered something that is not a
//                        token or an OAuth error (5xx, HTML, no access_token)
//
// `retryable` says whether trying again can help; only REFUSED is final.
// `outcomeUnknown` says whether the request may have taken effect at the
// partner although we did not get a usable answer: the send job then
// searches before it creates again. Messages hold codes, statuses and FHIR
// paths only, never a request or response body (bodies name people).

export type PartnerErrorCode =
  | `HTTP_${number}`
  | 'REFUSED'
  | 'NOT_FHIR'
  | 'WRONG_RESOURCE_TYPE'
  | 'INVALID_FHIR'
  | 'TIMEOUT'
  | 'CONNECTION_REFUSED'
  | 'CONNECTION_RESET'
  | 'TLS'
  | 'DNS'
  | 'NETWORK'
  | 'DUPLICATE_TASKS'
  | 'NOT_CONFIGURED'
  | 'SMART_DISCOVERY'
  | 'TOKEN_REFUSED'
  | 'TOKEN_ENDPOINT';

/** What we were doing: in the log line and the dead letter's summary. */
export type PartnerOperation =
  | 'create-task'
  | 'search-task'
  | 'read-task'
  | 'cancel-task'
  | 'read-care-team'
  | 'smart-discovery'
  | 'smart-token'
  // A notification to a subscribed partner's rest-hook (adapters/fhir/subscriptions/).
  | 'notify-subscriber'
  // Our own subscription at a partner (outbound push): its offer, creating, reading and ending it.
  | 'read-capabilities'
  | 'create-subscription'
  | 'read-subscription'
  | 'delete-subscription';

export class PartnerCallError extends Error {
  constructor(
    readonly code: PartnerErrorCode,
    message: string,
    /** Whether trying again later can succeed (partner down, slow, broken for a while). */
    readonly retryable: boolean,
    readonly details: {
      status?: number;
      /** The OperationOutcome's first issue code, for a refusal (e.g. not-found, invalid). */
      issueCode?: string;
      /** The request may have reached the partner and taken effect (timeout, reset, 5xx, unreadable answer). */
      outcomeUnknown?: boolean;
      operation?: PartnerOperation;
    } = {},
  ) {
    super(message);
    this.name = 'PartnerCallError';
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get issueCode(): string | undefined {
    return this.details.issueCode;
  }

  get outcomeUnknown(): boolean {
    return this.details.outcomeUnknown ?? false;
  }

  get operation(): PartnerOperation | undefined {
    return this.details.operation;
  }

  /** The same error, naming the operation it happened in. */
  during(operation: PartnerOperation): PartnerCallError {
    return this.details.operation
      ? this
      : new PartnerCallError(this.code, this.message, this.retryable, { ...this.details, operation });
  }
}
