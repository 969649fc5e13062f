// FHIR R4 validation for everything that crosses the partner boundary, in
// both directions: an inbound resource is checked before anything is stored,
// and every resource we emit is checked before it leaves (a bug on our side
// must not put invalid FHIR on the wire).
//
// @medplum/core 4.5.2 `validateResource` checks structure against the official
// StructureDefinitions (required elements, cardinality, primitive formats,
// unknown properties): it THROWS an OperationOutcomeError (with `.outcome`)
// on errors and RETURNS the remaining (warning) issues. It does not check
// value-set bindings, so `{ resourceType: 'Task', status: 'bogus' }` passes.
// The required bindings of the elements this exchange uses are therefore
// checked here explicitly, from the R4 value sets.
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readR4Definitions } from './r4-definitions';

export interface ValidationIssue {
  /** FHIRPath-like location, e.g. Task.status. */
  expression: string;
  message: string;
}

export type ValidationResult = { valid: true } | { valid: false; issues: ValidationIssue[] };

let indexed = false;

/**
 * Indexes the R4 type and resource profiles once per process (0.8–1 CPU-s on the 2-core CI
 * machine; later calls are free), from the copy `npm run generate` slimmed (r4-definitions.ts
 * says why).
 */
export function loadR4Definitions(): void {
  if (indexed) return;
  // As with validateResource below: medplum's Bundle type comes from @medplum/fhirtypes, which we do not install.
  for (const bundle of readR4Definitions())
    indexStructureDefinitionBundle(bundle as unknown as Parameters<typeof indexStructureDefinitionBundle>[0]);
  indexed = true;
}

// R4 required bindings (http://hl7.org/fhir/R4/valueset-*.html) of the elements we send or receive.
const taskStatus = [
  'draft',
  'requested',
  'received',
  'accepted',
  'rejected',
  'ready',
  'cancelled',
  'in-progress',
  'on-hold',
  'failed',
  'completed',
  'entered-in-error',
];
const taskIntent = [
  'unknown',
  'proposal',
  'plan',
  'order',
  'original-order',
  'reflex-order',
  'filler-order',
  'instance-order',
  'option',
];
const requestPriority = ['routine', 'urgent', 'asap', 'stat'];
const careTeamStatus = ['proposed', 'active', 'suspended', 'inactive', 'entered-in-error'];
const issueSeverity = ['fatal', 'error', 'warning', 'information'];
const issueType = [
  'invalid',
  'structure',
  'required',
  'value',
  'invariant',
  'security',
  'login',
  'unknown',
  'expired',
  'forbidden',
  'suppressed',
  'processing',
  'not-supported',
  'duplicate',
  'multiple-matches',
  'not-found',
  'deleted',
  'too-long',
  'code-invalid',
  'extension',
  'too-costly',
  'business-rule',
  'conflict',
  'transient',
  'lock-error',
  'no-store',
  'exception',
  'timeout',
  'incomplete',
  'throttled',
  'informational',
];
const publicationStatus = ['draft', 'active', 'retired', 'unknown'];
const capabilityStatementKind = ['instance', 'capability', 'requirements'];
const restfulMode = ['client', 'server'];

type Json = Record<string, unknown>;

function checkCode(issues: ValidationIssue[], value: unknown, allowed: readonly string[], expression: string): void {
  if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) {
    issues.push({ expression, message: `must be one of the required value set codes (${allowed.join(', ')})` });
  }
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'object' && v !== null) as Json[]) : [];
}

function bindingIssues(resource: Json): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  switch (resource.resourceType) {
    case 'Task':
      checkCode(issues, resource.status, taskStatus, 'Task.status');
      checkCode(issues, resource.intent, taskIntent, 'Task.intent');
      checkCode(issues, resource.priority, requestPriority, 'Task.priority');
      break;
    case 'CareTeam':
      checkCode(issues, resource.status, careTeamStatus, 'CareTeam.status');
      break;
    case 'OperationOutcome':
      asArray(resource.issue).forEach((issue, i) => {
        checkCode(issues, issue.severity, issueSeverity, `OperationOutcome.issue[${i}].severity`);
        checkCode(issues, issue.code, issueType, `OperationOutcome.issue[${i}].code`);
      });
      break;
    case 'CapabilityStatement':
      checkCode(issues, resource.status, publicationStatus, 'CapabilityStatement.status');
      checkCode(issues, resource.kind, capabilityStatementKind, 'CapabilityStatement.kind');
      asArray(resource.rest).forEach((rest, i) =>
        checkCode(issues, rest.mode, restfulMode, `CapabilityStatement.rest[${i}].mode`),
      );
      break;
    default:
      break;
  }
  return issues;
}

/**
 * Validates any R4 resource: structure (medplum) and, for the resource types
 * of this exchange, the required code bindings. Never throws for bad input.
 */
export function validateR4(resource: unknown): ValidationResult {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    return { valid: false, issues: [{ expression: '(root)', message: 'must be a JSON object (a FHIR resource)' }] };
  }
  const json = resource as Json;
  if (typeof json.resourceType !== 'string') {
    return { valid: false, issues: [{ expression: 'resourceType', message: 'is required' }] };
  }
  loadR4Definitions();
  const issues: ValidationIssue[] = [];
  try {
    // medplum's Resource type comes from @medplum/fhirtypes, which we do not install: the object is checked at run time.
    const warnings = validateResource(json as unknown as Parameters<typeof validateResource>[0]);
    for (const w of warnings)
      if (w.severity === 'error' || w.severity === 'fatal')
        issues.push({ expression: w.expression?.[0] ?? json.resourceType, message: w.details?.text ?? 'invalid' });
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) {
      // Not medplum's way of reporting a problem: still the input's fault (we never pass it anything else), so refuse it rather than crash.
      return {
        valid: false,
        issues: [
          {
            expression: '(root)',
            message: 'the resource could not be validated: an unknown resourceType, or too deeply nested or malformed',
          },
        ],
      };
    }
    for (const issue of error.outcome.issue ?? []) {
      issues.push({
        expression: issue.expression?.[0] ?? String(json.resourceType),
        message: issue.details?.text ?? issue.diagnostics ?? 'invalid',
      });
    }
  }
  issues.push(...bindingIssues(json));
  return issues.length === 0 ? { valid: true } : { valid: false, issues };
}

/** For what we emit: an invalid resource is a bug on our side, so it throws instead of going out. */
export function assertValidR4<T>(resource: T): T {
  const result = validateR4(resource);
  if (!result.valid)
    throw new Error(
      `emitted FHIR resource is invalid: ${result.issues.map((i) => `${i.expression}: ${i.message}`).join('; ')}`,
    );
  return resource;
}
