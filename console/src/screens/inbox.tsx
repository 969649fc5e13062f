// What waits for the signed-in person, with counts (inbox-counts.ts says
// which sections a role has and how their counts are read); the graph stays
// the authority: a section it refuses shows the graph's message.
import { useEffect, useState } from 'react';
import { InboxDocument, type Role } from '../../../generated/console/operations';
import { useSession } from '../session';
import { readCounts, sections, type Count } from './inbox-counts';

export function Inbox({ role }: { role: Role }) {
  const session = useSession();
  const { t } = session;
  const mine = sections.filter((s) => s.for.includes(role));
  const [counts, setCounts] = useState<Record<string, Count>>({});

  useEffect(() => {
    let live = true;
    setCounts({});
    void readCounts((variables) => session.call(InboxDocument, variables), role, mine, t.networkError).then(
      (read) => live && setCounts(read),
    );
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
