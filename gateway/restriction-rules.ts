// Art. 23-1: while the system admin restricts the system, others get
// SERVICE_RESTRICTED; system admins keep access. Pure: decides from the
// restriction, the caller and the operation the gateway is about to run.
import type { Principal } from '../lib/access/principal';
import { japanTime } from '../lib/japan-calendar';
import { genericMessages } from '../lib/messages/generic-messages';
import type { Message } from '../lib/messages/message';

export interface Restriction {
  scope: string;
  operations: string[];
  message: string;
  /** The announced end (ISO-8601): from then on it restricts nothing. Null: until lifted. */
  scheduledEndAt: string | null;
}

/** Operations that must keep working for anyone, so a system admin can sign in to lift a restriction. */
const alwaysAllowed = new Set(['signIn', 'signOut', 'changePassword', 'me', 'systemRestriction']);

export function isRestricted(
  restriction: Restriction | null,
  principal: Principal,
  operation: { type: 'query' | 'mutation' | 'subscription'; rootFields: string[] },
  now: Date,
): boolean {
  if (!restriction) return false;
  // Checked here as well as by identity: a gateway may reuse a resolved principal for up to a second.
  if (restriction.scheduledEndAt !== null && now.getTime() >= Date.parse(restriction.scheduledEndAt)) return false;
  if (principal.kind === 'user' && principal.role === 'SYSTEM_ADMIN') return false;
  const fields = operation.rootFields.filter((f) => !f.startsWith('__') && !alwaysAllowed.has(f));
  if (fields.length === 0) return false;
  switch (restriction.scope) {
    case 'WHOLE_SYSTEM':
      return true;
    case 'READ_ONLY':
      return operation.type !== 'query';
    case 'OPERATIONS':
      return fields.some((f) => restriction.operations.includes(f));
    default:
      // An unknown scope is read as the strictest one.
      return true;
  }
}

/**
 * What a refused caller reads: the system administrator's own words, in the language they were
 * written in, and the announced end in Japan time when there is one (the network's people read it
 * there; programs take it from extensions.restrictedUntil).
 */
export function refusalMessage(restriction: Restriction): Message {
  const note = restriction.message;
  if (!note) return genericMessages.SERVICE_RESTRICTED;
  const end = restriction.scheduledEndAt ? new Date(restriction.scheduledEndAt) : null;
  if (!end || Number.isNaN(end.getTime())) return { en: note, ja: note };
  return {
    en: `${note} (until ${japanTime(end, 'en')}, Japan time)`,
    ja: `${note}（終了予定：${japanTime(end, 'ja')}）`,
  };
}
