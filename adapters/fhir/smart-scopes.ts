// SMART App Launch 2.x system scopes as our FHIR endpoint grants and checks
// them (issue 17). Pure, so every rule is unit-tested.
//
// - What we offer is what the exchange contract needs and no more: Task
//   create, read, update (the requester's cancellation) and search, CareTeam
//   read and search.
// - v2 syntax `system/<Type>.<cruds>` (letters in that order) and v1 syntax
//   `system/<Type>.read|write|*` (read = rs, write = cud, * = cruds, as SMART
//   2 maps them) are both accepted; `*` as the type means every type we offer.
// - A requested scope is granted as far as we offer it (OAuth lets a server
//   grant less than asked, and the token answer's `scope` says what was
//   granted, always in v2 syntax). A scope of which we offer nothing (another
//   context such as user/ or patient/, another resource type, only delete, a
//   v2 query suffix, anything malformed) refuses the whole request:
//   invalid_scope, naming it, and nothing is issued.
// - No scope at all: everything the join exchange needs, Task and CareTeam
//   (RFC 6749 3.3 lets the server apply a default; Medplum's
//   startJwtAssertionLogin sends none). Subscription (create, read, delete:
//   push notifications, issue 17 part 3) is granted only when asked for, by
//   name or by `*`.

export const smartResourceTypes = ['Task', 'CareTeam', 'Subscription'] as const;
/** What a token request without a scope is granted (see the header). */
const defaultResourceTypes: readonly SmartResourceType[] = ['Task', 'CareTeam'];
export type SmartResourceType = (typeof smartResourceTypes)[number];
export type SmartInteraction = 'c' | 'r' | 'u' | 'd' | 's';

const interactionOrder: readonly SmartInteraction[] = ['c', 'r', 'u', 'd', 's'];

/** What a partner may be granted, per resource type. */
export const offeredInteractions: Record<SmartResourceType, readonly SmartInteraction[]> = {
  Task: ['c', 'r', 'u', 's'],
  CareTeam: ['r', 's'],
  Subscription: ['c', 'r', 'd'],
};

/** A set of `Type.i` permissions, e.g. `Task.c`. */
export type SmartPermissions = ReadonlySet<string>;

const v1Interactions: Record<string, readonly SmartInteraction[]> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': interactionOrder,
};

/** The v2 form of one resource type's permissions, e.g. `system/Task.crus`. */
function v2Scope(type: SmartResourceType, interactions: ReadonlySet<SmartInteraction>): string {
  return `system/${type}.${interactionOrder.filter((i) => interactions.has(i)).join('')}`;
}

/** The permissions one scope asks for (before intersecting with what we offer), or null when it is not a system scope we understand. */
function requestedBy(scope: string): Array<[SmartResourceType, SmartInteraction]> | null {
  const match = /^system\/(\*|[A-Z][A-Za-z]{0,63})\.([a-z*]+)$/.exec(scope);
  if (!match) return null;
  const [, type, rest] = match as unknown as [string, string, string];
  let interactions: readonly SmartInteraction[] | undefined = v1Interactions[rest];
  if (!interactions) {
    // v2: one or more of c r u d s, each once, in that order.
    if (!/^c?r?u?d?s?$/.test(rest) || rest.length === 0) return null;
    interactions = rest.split('') as SmartInteraction[];
  }
  const types = type === '*' ? smartResourceTypes : smartResourceTypes.filter((t) => t === type);
  return types.flatMap((t) => interactions.map((i) => [t, i] as [SmartResourceType, SmartInteraction]));
}

export type ScopeGrant = { ok: true; scopes: string[] } | { ok: false; scope: string };

/** What a token request's `scope` parameter is granted (see the header), in v2 syntax. */
export function grantScopes(requested: string | undefined): ScopeGrant {
  const asked = (requested ?? '').split(' ').filter((s) => s.length > 0);
  const granted = new Map<SmartResourceType, Set<SmartInteraction>>();
  const add = (type: SmartResourceType, i: SmartInteraction) => {
    if (!offeredInteractions[type].includes(i)) return false;
    granted.set(type, (granted.get(type) ?? new Set()).add(i));
    return true;
  };
  if (asked.length === 0) {
    for (const type of defaultResourceTypes) for (const i of offeredInteractions[type]) add(type, i);
  }
  for (const scope of asked) {
    const wanted = requestedBy(scope);
    if (!wanted) return { ok: false, scope };
    const any = wanted.map(([type, i]) => add(type, i)).some(Boolean);
    if (!any) return { ok: false, scope };
  }
  return { ok: true, scopes: smartResourceTypes.filter((t) => granted.has(t)).map((t) => v2Scope(t, granted.get(t)!)) };
}

/** The permissions granted scopes (as stored with a token) carry, limited to what we offer. */
export function permissionsOf(scopes: readonly string[]): SmartPermissions {
  const permissions = new Set<string>();
  for (const scope of scopes)
    for (const [type, i] of requestedBy(scope) ?? [])
      if (offeredInteractions[type].includes(i)) permissions.add(`${type}.${i}`);
  return permissions;
}

/** Everything we offer: what a contract v1 partner (direct JWT or mutual TLS) may do, as before scopes existed. */
export const allPermissions: SmartPermissions = permissionsOf(
  smartResourceTypes.map((t) => v2Scope(t, new Set(offeredInteractions[t]))),
);

export function permits(permissions: SmartPermissions, type: SmartResourceType, interaction: SmartInteraction) {
  return permissions.has(`${type}.${interaction}`);
}

/** The scopes_supported of our smart-configuration: every single-interaction v2 scope, the combined ones, and v1's. */
export function scopesSupported(): string[] {
  const scopes = smartResourceTypes.flatMap((t) => [
    v2Scope(t, new Set(offeredInteractions[t])),
    // What reading needs (read and search), the contract's usual ask.
    v2Scope(t, new Set(offeredInteractions[t].filter((i) => i === 'r' || i === 's'))),
    ...offeredInteractions[t].map((i) => `system/${t}.${i}`),
    `system/${t}.read`,
    ...(offeredInteractions[t].includes('c') ? [`system/${t}.write`] : []),
  ]);
  return [...new Set(scopes)];
}
