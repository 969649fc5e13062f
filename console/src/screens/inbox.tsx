// What waits for the signed-in person, with counts. Which sections a role
// has follows the permission table (docs/access-rules.md); the graph stays
// the authority: a section it refuses shows the graph's message.
import { useEffect, useState } from 'react';
import {
  WaitingApplicationsDocument,
  WaitingDeadLettersDocument,
  WaitingExceptionReviewsDocument,
  WaitingExistenceChecksDocument,
  WaitingFaultsDocument,
  WaitingInboundJoinsDocument,
  WaitingOutboundJoinsDocument,
  WaitingRoomApplicationsDocument,
  type Role,
} from '../../../generated/console/operations';
import { GraphError } from '../graphql';
import { href } from '../route';
import { useSession, type Session } from '../session';
import type { Messages } from '../messages';

type Count = { state: 'loading' } | { state: 'count'; count: number } | { state: 'problem'; message: string };

interface Section {
  key:
    | 'applications'
    | 'roomApplications'
    | 'inboundJoins'
    | 'outboundJoins'
    | 'existenceChecks'
    | 'faults'
    | 'exceptionReviews'
    | 'deadLetters';
  title: (t: Messages) => string;
  /** Whether this role acts on it (the permission table). */
  for: readonly Role[];
  /** The screen where it is handled. */
  href?: string;
  /** The graph's count fields: every waiting item, with no list cap, and no subject named. */
  count(session: Session, role: Role): Promise<number>;
}

const deciders: readonly Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER'];

const sections: readonly Section[] = [
  {
    key: 'applications',
    title: (t) => t.applicationsWaiting,
    href: href({ page: 'applications' }),
    for: ['SYSTEM_ADMIN', 'ADMIN_MANAGER'],
    async count(session, role) {
      // Forwarded applications wait for the system admin; an admin manager forwards or decides the submitted ones.
      const data = await session.call(WaitingApplicationsDocument, { forwarded: role === 'SYSTEM_ADMIN' });
      return data.submitted + (data.forwarded ?? 0);
    },
  },
  {
    key: 'roomApplications',
    title: (t) => t.roomApplicationsWaiting,
    href: href({ page: 'room-applications' }),
    for: [...deciders, 'FACILITY_MANAGER'],
    async count(session, role) {
      // A facility manager confirms what its users submitted; the deciders decide what was forwarded to them.
      const status = role === 'FACILITY_MANAGER' ? 'SUBMITTED' : 'FORWARDED';
      return (await session.call(WaitingRoomApplicationsDocument, { status })).roomApplicationCount;
    },
  },
  {
    key: 'inboundJoins',
    title: (t) => t.inboundJoinsWaiting,
    href: href({ page: 'exchange' }),
    for: deciders,
    async count(session) {
      return (await session.call(WaitingInboundJoinsDocument, {})).inboundJoinRequestCount;
    },
  },
  {
    key: 'outboundJoins',
    title: (t) => t.outboundJoinsWaiting,
    href: href({ page: 'outbound' }),
    for: ['SYSTEM_ADMIN', 'FACILITY_MANAGER'],
    async count(session, role) {
      // Art. 20-3: the facility manager confirms the user's wish, then the system admin sends it.
      const status = role === 'FACILITY_MANAGER' ? 'SUBMITTED' : 'FORWARDED';
      return (await session.call(WaitingOutboundJoinsDocument, { status })).outboundJoinRequestCount;
    },
  },
  {
    key: 'existenceChecks',
    title: (t) => t.existenceChecksWaiting,
    for: [...deciders, 'FACILITY_MANAGER'],
    href: href({ page: 'subjects' }),
    async count(session, role) {
      // Art. 18's question climbs facility manager → admin or hospital manager → system admin.
      const status =
        role === 'FACILITY_MANAGER'
          ? 'AT_FACILITY_MANAGER'
          : role === 'SYSTEM_ADMIN'
            ? 'AT_SYSTEM_ADMIN'
            : 'AT_MANAGER';
      return (await session.call(WaitingExistenceChecksDocument, { status })).existenceCheckCount;
    },
  },
  {
    key: 'faults',
    title: (t) => t.faultsWaiting,
    href: href({ page: 'faults' }),
    for: ['SYSTEM_ADMIN', 'FACILITY_MANAGER'],
    async count(session, role) {
      // Art. 22: a facility manager passes its facility's reports on; the system admin investigates and answers them.
      const admin = role === 'SYSTEM_ADMIN';
      const data = await session.call(WaitingFaultsDocument, {
        status: admin ? 'FORWARDED' : 'REPORTED',
        investigating: admin,
      });
      return data.faultReportCount + (data.investigating ?? 0);
    },
  },
  {
    key: 'exceptionReviews',
    title: (t) => t.exceptionReviewsWaiting,
    href: href({ page: 'subjects' }),
    for: deciders,
    async count(session) {
      return (await session.call(WaitingExceptionReviewsDocument, {})).legalExceptionReviewCount;
    },
  },
  {
    key: 'deadLetters',
    title: (t) => t.deadLettersWaiting,
    for: ['SYSTEM_ADMIN'],
    href: href({ page: 'outbound' }),
    async count(session) {
      return (await session.call(WaitingDeadLettersDocument, {})).exchangeDeadLetterCount;
    },
  },
];

export function Inbox({ role }: { role: Role }) {
  const session = useSession();
  const { t } = session;
  const mine = sections.filter((s) => s.for.includes(role));
  const [counts, setCounts] = useState<Record<string, Count>>({});

  useEffect(() => {
    let live = true;
    for (const section of mine) {
      setCounts((c) => ({ ...c, [section.key]: { state: 'loading' } }));
      section
        .count(session, role)
        .then((count) => live && setCounts((c) => ({ ...c, [section.key]: { state: 'count', count } })))
        .catch(
          (error: unknown) =>
            live &&
            setCounts((c) => ({
              ...c,
              [section.key]: {
                state: 'problem',
                message: error instanceof GraphError ? error.message : t.networkError,
              },
            })),
        );
    }
    return () => {
      live = false;
    };
    // Read again when the language changes (the graph's messages are in it), not on every render.
  }, [session.language]);

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t.inbox}</h1>
      <p className="lead">{t.inboxLead}</p>
      {mine.length === 0 ? (
        <p className="empty">{t.nothingWaiting}</p>
      ) : (
        <ul className="inbox">
          {mine.map((section) => {
            const count = counts[section.key] ?? { state: 'loading' };
            return (
              <li key={section.key} data-section={section.key}>
                {section.href ? (
                  <a className="title" href={section.href}>
                    {section.title(t)}
                  </a>
                ) : (
                  <span className="title">{section.title(t)}</span>
                )}
                {count.state === 'loading' && <span className="muted">{t.loading}</span>}
                {count.state === 'count' && (
                  <span className={count.count > 0 ? 'count waiting' : 'count'} data-count={count.count}>
                    {count.count}
                  </span>
                )}
                {count.state === 'problem' && (
                  <span role="alert" className="problem">
                    {count.message}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
