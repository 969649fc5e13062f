// The join Task of the partner exchange contract (docs/partner-exchange.md):
// one builder for the requester side (Art. 20-3, outbound) and one parser for
// the receiver side (Art. 20-2, inbound), so both ends speak exactly the same
// shape. The parser validates against R4 first, then the contract's rules,
// and answers a typed value or a typed problem (never throws for bad input).
import { shareCodeLength } from '../../lib/exchange/share-code-limits';
import { normaliseOrganizationIdentifiers } from '../../lib/exchange/jp-identifiers';
import type { ConsentBasis } from '../../subgraphs/rooms';
import { buildJoinConsent, consentInputCode, containedConsentId, parseJoinConsent } from './join-consent';
import { validateR4, type ValidationIssue } from './validator';

export const taskCodeSystem = 'urn:renkei:task-code';
export const joinTaskCode = 'care-team-join';
export const shareCodeSystem = 'urn:renkei:room-share-code';
export const taskInputSystem = 'urn:renkei:task-input';
export const taskOutputSystem = 'urn:renkei:task-output';

export interface SystemValue {
  system: string;
  value: string;
}

export interface JoinTaskInput {
  /** The requester's own URI and a value unique per request. */
  identifier: SystemValue;
  shareCode: string;
  /** ISO date-time with offset. */
  authoredOn: string;
  /** The administrator who sends the request (Art. 20-3: our SYSTEM_ADMIN). */
  requester: SystemValue & { display: string };
  /** The user who should join. */
  practitioner: SystemValue & { display: string };
  /**
   * The practitioner's organisation. Contract v2: its identifiers, the most
   * specific first (lib/exchange/jp-identifiers.ts facilityIdentifiers); v1
   * partners send the display alone (identifiers then empty).
   */
  organization: { display: string; identifiers?: SystemValue[] };
  reason: string;
  /** Contract v2: the consent under which the join is asked (a contained Consent); null or absent: none. */
  consent?: ConsentBasis | null;
}

/** A parsed inbound join Task. */
export type JoinTaskRequest = JoinTaskInput;

export type JoinTaskProblem =
  | { kind: 'INVALID_RESOURCE'; issues: ValidationIssue[] }
  | { kind: 'WRONG_TASK_CODE'; message: string; expression: string }
  | { kind: 'WRONG_IDENTIFIER_SYSTEM'; message: string; expression: string };

export type ParsedJoinTask = { ok: true; value: JoinTaskRequest } | { ok: false; problem: JoinTaskProblem };

// Bounds on what a partner may make us store.
const maxIdentifier = 200;
const maxSystem = 300;
const maxName = 200;
const maxReason = 2000;

function input(code: string, value: Record<string, unknown>): Record<string, unknown> {
  return { type: { coding: [{ system: taskInputSystem, code }] }, ...value };
}

/** The id of the contained Organization that carries all of the organisation's identifiers (a Reference holds one). */
export const containedOrganizationId = 'org';

export function buildJoinTask(request: JoinTaskInput): Record<string, unknown> {
  const orgIds = request.organization.identifiers ?? [];
  // v2: the organisation, with every identifier, travels as a contained Organization the
  // organization input references; the Reference keeps the display (all a v1 receiver
  // reads) and the most specific identifier, for receivers that do not resolve '#org'.
  const organization =
    orgIds.length > 0
      ? {
          reference: `#${containedOrganizationId}`,
          type: 'Organization',
          identifier: { system: orgIds[0]!.system, value: orgIds[0]!.value },
          display: request.organization.display,
        }
      : { display: request.organization.display };
  const contained = [
    ...(orgIds.length > 0
      ? [
          {
            resourceType: 'Organization',
            id: containedOrganizationId,
            identifier: orgIds.map((i) => ({ system: i.system, value: i.value })),
            name: request.organization.display,
          },
        ]
      : []),
    ...(request.consent ? [buildJoinConsent(request.consent)] : []),
  ];
  return {
    resourceType: 'Task',
    ...(contained.length > 0 ? { contained } : {}),
    identifier: [{ system: request.identifier.system, value: request.identifier.value }],
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: taskCodeSystem, code: joinTaskCode }] },
    focus: { type: 'CareTeam', identifier: { system: shareCodeSystem, value: request.shareCode } },
    authoredOn: request.authoredOn,
    requester: {
      identifier: { system: request.requester.system, value: request.requester.value },
      display: request.requester.display,
    },
    input: [
      input('practitioner', {
        valueReference: {
          identifier: { system: request.practitioner.system, value: request.practitioner.value },
          display: request.practitioner.display,
        },
      }),
      input('organization', { valueReference: organization }),
      input('reason', { valueString: request.reason }),
      ...(request.consent
        ? [
            input(consentInputCode, {
              valueReference: { reference: `#${containedConsentId}`, type: 'Consent' },
            }),
          ]
        : []),
    ],
  };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Json => x !== undefined) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim().length > 0 ? v.trim() : undefined);

class Invalid extends Error {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(message);
  }
}

function required(value: unknown, expression: string, max: number): string {
  const s = str(value);
  if (s === undefined) throw new Invalid(expression, 'is required by the join contract');
  if (s.length > max) throw new Invalid(expression, `must be at most ${max} characters`);
  return s;
}

function codingIs(concept: unknown, system: string, code: string): boolean {
  return arr(obj(concept)?.coding).some((c) => c.system === system && c.code === code);
}

function inputOf(task: Json, code: string): Json {
  const found = arr(task.input).filter((i) => codingIs(i.type, taskInputSystem, code));
  if (found.length !== 1)
    throw new Invalid(
      `Task.input:${code}`,
      found.length === 0 ? 'is required by the join contract' : 'must appear once',
    );
  return found[0] as Json;
}

/** The contained Consent's summary when the Task carries a consent input (at most one), else null. */
function consentOf(task: Json): ConsentBasis | null {
  const inputs = arr(task.input).filter((i) => codingIs(i.type, taskInputSystem, consentInputCode));
  if (inputs.length === 0) return null;
  if (inputs.length > 1) throw new Invalid(`Task.input:${consentInputCode}`, 'must appear once');
  const parsed = parseJoinConsent(task, inputs[0] as Json);
  if (!parsed.ok) throw new Invalid(parsed.expression, parsed.message);
  return parsed.basis;
}

const maxOrganizationIdentifiers = 10;

/**
 * The organisation's identifiers (contract v2, optional): the Reference's
 * own identifier and, when it references a contained Organization ('#id'),
 * that Organization's identifiers (where the older OID parts .21/.22/.23 can
 * travel together). Normalised to JP Core's forms; a known code that fails
 * its check is refused (lib/exchange/jp-identifiers.ts).
 */
function organizationIdentifiers(task: Json, ref: Json | undefined): SystemValue[] {
  const expression = 'Task.input:organization.valueReference';
  const given: SystemValue[] = [];
  const take = (identifier: Json | undefined, where: string) => {
    if (!identifier) return;
    given.push({
      system: required(identifier.system, `${where}.system`, maxSystem),
      value: required(identifier.value, `${where}.value`, maxIdentifier),
    });
  };
  take(obj(ref?.identifier), `${expression}.identifier`);
  const reference = str(ref?.reference);
  if (reference !== undefined) {
    if (!reference.startsWith('#'))
      throw new Invalid(`${expression}.reference`, 'may only reference a contained Organization (#id)');
    const contained = arr(task.contained).find((r) => r.resourceType === 'Organization' && r.id === reference.slice(1));
    if (!contained) throw new Invalid(`${expression}.reference`, 'names no contained Organization');
    arr(contained.identifier).forEach((identifier, n) =>
      take(identifier, `Task.contained.Organization.identifier[${n}]`),
    );
  }
  if (given.length > maxOrganizationIdentifiers)
    throw new Invalid(expression, `may carry at most ${maxOrganizationIdentifiers} identifiers`);
  const normalised = normaliseOrganizationIdentifiers(given);
  if (!normalised.ok) throw new Invalid(`${expression}.identifier`, normalised.message);
  // The same identifier in the Reference and the contained Organization is one identifier.
  return normalised.identifiers.filter(
    (i, n, all) => all.findIndex((j) => j.system === i.system && j.value === i.value) === n,
  );
}

/**
 * Parses an inbound join Task. `expected` holds the identifier systems the
 * partner registered: its requests' and its users' URIs.
 */
export function parseJoinTask(
  resource: unknown,
  expected?: { requesterSystem: string; userSystem: string },
): ParsedJoinTask {
  const validation = validateR4(resource);
  if (!validation.valid) return { ok: false, problem: { kind: 'INVALID_RESOURCE', issues: validation.issues } };
  return readJoinTask(resource as Json, expected);
}

/**
 * The contract's reading of a Task already known to be valid R4: the stored
 * Task the inbound job reads back was validated by parseJoinTask on arrival,
 * and R4 validation is most of the parse's cost (about 0.3 ms a Task), so it
 * is not done twice.
 */
export function readStoredJoinTask(resource: Record<string, unknown>): ParsedJoinTask {
  return readJoinTask(resource as Json);
}

function readJoinTask(task: Json, expected?: { requesterSystem: string; userSystem: string }): ParsedJoinTask {
  if (task.resourceType !== 'Task')
    return {
      ok: false,
      problem: { kind: 'INVALID_RESOURCE', issues: [{ expression: 'resourceType', message: 'must be Task' }] },
    };
  if (!codingIs(task.code, taskCodeSystem, joinTaskCode)) {
    return {
      ok: false,
      problem: {
        kind: 'WRONG_TASK_CODE',
        message: `Task.code must be ${taskCodeSystem}|${joinTaskCode}`,
        expression: 'Task.code',
      },
    };
  }
  try {
    if (task.status !== 'requested') throw new Invalid('Task.status', 'must be requested');
    if (task.intent !== 'order') throw new Invalid('Task.intent', 'must be order');
    const identifiers = arr(task.identifier);
    if (identifiers.length !== 1) throw new Invalid('Task.identifier', 'must hold exactly one identifier');
    const identifier = {
      system: required(identifiers[0]?.system, 'Task.identifier.system', maxSystem),
      value: required(identifiers[0]?.value, 'Task.identifier.value', maxIdentifier),
    };
    const focus = obj(task.focus);
    if (focus?.type !== 'CareTeam') throw new Invalid('Task.focus.type', 'must be CareTeam');
    const focusId = obj(focus.identifier);
    if (focusId?.system !== shareCodeSystem)
      throw new Invalid('Task.focus.identifier.system', `must be ${shareCodeSystem}`);
    const shareCode = required(focusId.value, 'Task.focus.identifier.value', shareCodeLength.max);
    if (shareCode.length < shareCodeLength.min)
      throw new Invalid('Task.focus.identifier.value', `must be at least ${shareCodeLength.min} characters`);
    const authoredOn = required(task.authoredOn, 'Task.authoredOn', 40);
    const requesterRef = obj(task.requester);
    const requesterId = obj(requesterRef?.identifier);
    const requester = {
      system: required(requesterId?.system, 'Task.requester.identifier.system', maxSystem),
      value: required(requesterId?.value, 'Task.requester.identifier.value', maxIdentifier),
      display: required(requesterRef?.display, 'Task.requester.display', maxName),
    };
    const practitionerRef = obj(inputOf(task, 'practitioner').valueReference);
    const practitionerId = obj(practitionerRef?.identifier);
    const practitioner = {
      system: required(practitionerId?.system, 'Task.input:practitioner.valueReference.identifier.system', maxSystem),
      value: required(practitionerId?.value, 'Task.input:practitioner.valueReference.identifier.value', maxIdentifier),
      display: required(practitionerRef?.display, 'Task.input:practitioner.valueReference.display', maxName),
    };
    const organizationRef = obj(inputOf(task, 'organization').valueReference);
    const organization = {
      display: required(organizationRef?.display, 'Task.input:organization.valueReference.display', maxName),
      identifiers: organizationIdentifiers(task, organizationRef),
    };
    const reason = required(inputOf(task, 'reason').valueString, 'Task.input:reason.valueString', maxReason);
    const consent = consentOf(task);
    if (expected) {
      if (identifier.system !== expected.requesterSystem) {
        return {
          ok: false,
          problem: {
            kind: 'WRONG_IDENTIFIER_SYSTEM',
            message: 'Task.identifier.system is not the system registered for this partner',
            expression: 'Task.identifier.system',
          },
        };
      }
      for (const [expression, system] of [
        ['Task.requester.identifier.system', requester.system],
        ['Task.input:practitioner.valueReference.identifier.system', practitioner.system],
      ] as const) {
        if (system !== expected.userSystem)
          return {
            ok: false,
            problem: {
              kind: 'WRONG_IDENTIFIER_SYSTEM',
              message: `${expression} is not the user system registered for this partner`,
              expression,
            },
          };
      }
    }
    return {
      ok: true,
      value: { identifier, shareCode, authoredOn, requester, practitioner, organization, reason, consent },
    };
  } catch (error) {
    if (error instanceof Invalid)
      return {
        ok: false,
        problem: { kind: 'INVALID_RESOURCE', issues: [{ expression: error.expression, message: error.message }] },
      };
    throw error;
  }
}

export type InboundTaskStatusCode = 'received' | 'accepted' | 'rejected' | 'completed' | 'cancelled';

/**
 * The receiver's view of a stored join Task (GET Task/<id>): the partner's Task
 * as sent, with our id, the current status, the reason of a rejection and, once
 * completed, the CareTeam reference in `output`.
 */
export function renderInboundTask(
  stored: Record<string, unknown>,
  state: {
    id: string;
    status: InboundTaskStatusCode;
    statusReason?: string | null;
    careTeamId?: string | null;
    lastUpdated: Date;
  },
): Record<string, unknown> {
  // lastModified is left out: medplum checks inv-1 (lastModified >= authoredOn) comparing the
  // texts as written, so our UTC time would fail against a +09:00 authoredOn; meta.lastUpdated says it.
  const {
    id: _ignoredId,
    meta: _ignoredMeta,
    status: _s,
    statusReason: _r,
    output: _o,
    lastModified: _m,
    ...rest
  } = stored;
  return {
    ...rest,
    resourceType: 'Task',
    id: state.id,
    meta: { lastUpdated: state.lastUpdated.toISOString() },
    status: state.status,
    ...(state.statusReason ? { statusReason: { text: state.statusReason } } : {}),
    ...(state.careTeamId
      ? {
          output: [
            {
              type: { coding: [{ system: taskOutputSystem, code: 'care-team' }] },
              valueReference: { reference: `CareTeam/${state.careTeamId}`, type: 'CareTeam' },
            },
          ],
        }
      : {}),
  };
}
