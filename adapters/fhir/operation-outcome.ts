// The FHIR boundary's one error vocabulary (engineering note 3): every
// problem has a stable code, one HTTP status and one OperationOutcome issue
// type. Messages are ours and never echo a library's text or personal data.
export const fhirErrorCodes = {
  INVALID_RESOURCE: { status: 400, issue: 'invalid' },
  WRONG_TASK_CODE: { status: 400, issue: 'code-invalid' },
  WRONG_IDENTIFIER_SYSTEM: { status: 400, issue: 'business-rule' },
  BAD_REQUEST: { status: 400, issue: 'invalid' },
  // Contract v2: the partner is registered with consentInJoin REQUIRED and the Task carries no Consent.
  CONSENT_REQUIRED: { status: 400, issue: 'business-rule' },
  UNAUTHENTICATED: { status: 401, issue: 'login' },
  FORBIDDEN: { status: 403, issue: 'forbidden' },
  NOT_FOUND: { status: 404, issue: 'not-found' },
  CONFLICT: { status: 409, issue: 'conflict' },
  METHOD_NOT_ALLOWED: { status: 405, issue: 'not-supported' },
  PAYLOAD_TOO_LARGE: { status: 413, issue: 'too-costly' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, issue: 'not-supported' },
  // Too many requests in a minute (partner-rate-limits.ts); answered with Retry-After.
  RATE_LIMITED: { status: 429, issue: 'throttled' },
  INTERNAL: { status: 500, issue: 'exception' },
} as const;

export type FhirErrorCode = keyof typeof fhirErrorCodes;

/** The code system of our error codes inside OperationOutcome.issue.details. */
export const errorCodeSystem = 'urn:renkei:fhir-error';

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: Array<{
    severity: 'error';
    code: string;
    details: { coding: Array<{ system: string; code: string }>; text: string };
    expression?: string[];
  }>;
}

/** A refusal at the FHIR boundary; the router turns it into status + OperationOutcome. */
export class FhirError extends Error {
  readonly code: FhirErrorCode;
  readonly expressions: string[];
  constructor(code: FhirErrorCode, message: string, expressions: string[] = []) {
    super(message);
    this.name = 'FhirError';
    this.code = code;
    this.expressions = expressions;
  }
}

export function operationOutcome(
  code: FhirErrorCode,
  message: string,
  expressions: string[] = [],
): { status: number; body: OperationOutcome } {
  const { status, issue } = fhirErrorCodes[code];
  return {
    status,
    body: {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: issue,
          details: { coding: [{ system: errorCodeSystem, code }], text: message },
          ...(expressions.length > 0 ? { expression: expressions } : {}),
        },
      ],
    },
  };
}

/** Several problems of one kind (e.g. every validation issue of a resource). */
export function operationOutcomeOf(
  code: FhirErrorCode,
  problems: Array<{ message: string; expression?: string }>,
): { status: number; body: OperationOutcome } {
  const { status, issue } = fhirErrorCodes[code];
  return {
    status,
    body: {
      resourceType: 'OperationOutcome',
      issue: problems.map((p) => ({
        severity: 'error' as const,
        code: issue,
        details: { coding: [{ system: errorCodeSystem, code }], text: p.message },
        ...(p.expression ? { expression: [p.expression] } : {}),
      })),
    },
  };
}

/** Any thrown value → what the client sees: a FhirError as itself, anything else as a masked 500. */
export function outcomeForError(error: unknown): { status: number; body: OperationOutcome } {
  if (error instanceof FhirError) return operationOutcome(error.code, error.message, error.expressions);
  return operationOutcome('INTERNAL', 'internal error');
}
