// The inbox's sections and how their counts are read: which sections a role
// has follows the permission table (docs/access-rules.md), and every count
// comes in one request (the Inbox operation in console/src/session.graphql).
// Plain TypeScript, so its unit test runs without a browser.
import { type InboxQuery, type InboxQueryVariables, type Role } from '../../../generated/console/operations';
import { GraphError } from '../graphql';
import { href } from '../route';
import type { Messages } from '../messages';

export type Count = { state: 'loading' } | { state: 'count'; count: number } | { state: 'problem'; message: string };
export type SectionKey =
  | 'applications'
  | 'roomApplications'
  | 'inboundJoins'
  | 'outboundJoins'
  | 'existenceChecks'
  | 'faults'
  | 'exceptionReviews'
  | 'deadLetters';
type CountField = Exclude<keyof InboxQuery, '__typename'>;

export interface Section {
  key: SectionKey;
  title: (t: Messages) => string;
  /** Whether this role acts on it (the permission table). */
  for: readonly Role[];
  /** The screen where it is handled. */
  href?: string;
  /** Its part of the Inbox operation for this role: which count fields to include, with what status. */
  variables(role: Role): Partial<InboxQueryVariables>;
  /** The count fields it adds up (the Inbox operation's response keys). */
  fields: readonly CountField[];
}

const deciders: readonly Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER'];

export const sections: readonly Section[] = [
  {
    key: 'applications',
    title: (t) => t.applicationsWaiting,
    href: href({ page: 'applications' }),
    for: ['SYSTEM_ADMIN', 'ADMIN_MANAGER'],
    // Forwarded applications wait for the system admin; an admin manager forwards or decides the submitted ones.
    variables: (role) => ({ applications: true, forwardedApplications: role === 'SYSTEM_ADMIN' }),
    fields: ['submittedApplications', 'forwardedApplications'],
  },
  {
    key: 'roomApplications',
    title: (t) => t.roomApplicationsWaiting,
    href: href({ page: 'room-applications' }),
    for: [...deciders, 'FACILITY_MANAGER'],
    // A facility manager confirms what its users submitted; the deciders decide what was forwarded to them.
    variables: (role) => ({
      roomApplications: true,
      roomApplicationStatus: role === 'FACILITY_MANAGER' ? 'SUBMITTED' : 'FORWARDED',
    }),
    fields: ['roomApplications'],
  },
  {
    key: 'inboundJoins',
    title: (t) => t.inboundJoinsWaiting,
    href: href({ page: 'exchange' }),
    for: deciders,
    variables: () => ({ inboundJoins: true }),
    fields: ['inboundJoins'],
  },
  {
    key: 'outboundJoins',
    title: (t) => t.outboundJoinsWaiting,
    href: href({ page: 'outbound' }),
    for: ['SYSTEM_ADMIN', 'FACILITY_MANAGER'],
    // Art. 20-3: the facility manager confirms the user's wish, then the system admin sends it.
    variables: (role) => ({
      outboundJoins: true,
      outboundJoinStatus: role === 'FACILITY_MANAGER' ? 'SUBMITTED' : 'FORWARDED',
    }),
    fields: ['outboundJoins'],
  },
  {
    key: 'existenceChecks',
    title: (t) => t.existenceChecksWaiting,
    for: [...deciders, 'FACILITY_MANAGER'],
    href: href({ page: 'subjects' }),
    // Art. 18's question climbs facility manager → admin or hospital manager → system admin.
    variables: (role) => ({
      existenceChecks: true,
      existenceCheckStatus:
        role === 'FACILITY_MANAGER'
          ? 'AT_FACILITY_MANAGER'
          : role === 'SYSTEM_ADMIN'
            ? 'AT_SYSTEM_ADMIN'
            : 'AT_MANAGER',
    }),
    fields: ['existenceChecks'],
  },
  {
    key: 'faults',
    title: (t) => t.faultsWaiting,
    href: href({ page: 'faults' }),
    for: ['SYSTEM_ADMIN', 'FACILITY_MANAGER'],
    // Art. 22: a facility manager passes its facility's reports on; the system admin investigates and answers them.
    variables: (role) => ({
      faults: true,
      faultStatus: role === 'SYSTEM_ADMIN' ? 'FORWARDED' : 'REPORTED',
      investigatingFaults: role === 'SYSTEM_ADMIN',
    }),
    fields: ['faults', 'investigatingFaults'],
  },
  {
    key: 'exceptionReviews',
    title: (t) => t.exceptionReviewsWaiting,
    href: href({ page: 'subjects' }),
    for: deciders,
    variables: () => ({ exceptionReviews: true }),
    fields: ['exceptionReviews'],
  },
  {
    key: 'deadLetters',
    title: (t) => t.deadLettersWaiting,
    for: ['SYSTEM_ADMIN'],
    href: href({ page: 'outbound' }),
    variables: () => ({ deadLetters: true }),
    fields: ['deadLetters'],
  },
];

/** Nothing included; the statuses only fill the operation's required variables. */
const noSection: InboxQueryVariables = {
  applications: false,
  forwardedApplications: false,
  roomApplications: false,
  roomApplicationStatus: 'FORWARDED',
  inboundJoins: false,
  outboundJoins: false,
  outboundJoinStatus: 'FORWARDED',
  existenceChecks: false,
  existenceCheckStatus: 'AT_SYSTEM_ADMIN',
  faults: false,
  faultStatus: 'FORWARDED',
  investigatingFaults: false,
  exceptionReviews: false,
  deadLetters: false,
};

/**
 * Every section's count in one request. A section the graph refuses (its count fields named in the
 * errors) shows the graph's message, and the request goes again without it, so one refusal does not
 * hide the other counts; an error that names no section is shown on every section still waiting.
 */
export async function readCounts(
  call: (variables: InboxQueryVariables) => Promise<InboxQuery>,
  role: Role,
  wanted: readonly Section[],
  networkError: string,
): Promise<Partial<Record<SectionKey, Count>>> {
  const counts: Partial<Record<SectionKey, Count>> = {};
  let pending = wanted;
  while (pending.length > 0) {
    const variables = pending.reduce((v, section) => ({ ...v, ...section.variables(role) }), noSection);
    try {
      const data = await call(variables);
      for (const section of pending)
        counts[section.key] = { state: 'count', count: section.fields.reduce((n, f) => n + (data[f] ?? 0), 0) };
      break;
    } catch (error) {
      const problems = error instanceof GraphError ? error.problems : [];
      const message = error instanceof GraphError ? error.message : networkError;
      const refused = pending.filter((s) => problems.some((p) => p.field && s.fields.includes(p.field as CountField)));
      const shown = refused.length > 0 ? refused : pending;
      for (const section of shown) {
        const own = problems.find((p) => p.field && section.fields.includes(p.field as CountField));
        counts[section.key] = { state: 'problem', message: own?.message ?? message };
      }
      pending = pending.filter((s) => !shown.includes(s));
    }
  }
  return counts;
}
