// Identity's audit trail, newest first, a page at a time as auditEvents
// allows (nextCursor), optionally only one action: who, what, when, the
// outcome, the record acted on, and the terminal and address it came from.
import { useState, type FormEvent } from 'react';
import { AuditTrailDocument, type AuditTrailQuery } from '../../../../generated/console/operations';
import { useSession, useWords } from '../../session';
import { when } from '../decision';
import { problemOf } from '../loading';
import { actionLabel } from './format';
import { actionWords, words } from './words';

export const trailPageSize = 50;

type Page = AuditTrailQuery['auditEvents'];
type Event = Page['items'][number];

const outcomeBadge: Record<string, string> = { SUCCESS: 'good', DENIED: 'bad', FAILURE: 'late' };

export function TrailPanel({ first }: { first: Page }) {
  const session = useSession();
  const w = useWords(words);
  const [events, setEvents] = useState<Event[]>(first.items);
  const [cursor, setCursor] = useState<string | null>(first.nextCursor);
  const [action, setAction] = useState('');
  const [shown, setShown] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function read(filter: string, after: string | null) {
    setBusy(true);
    setProblem(null);
    try {
      const page = (
        await session.call(AuditTrailDocument, { first: trailPageSize, after, action: filter === '' ? null : filter })
      ).auditEvents;
      setEvents((before) => (after ? [...before, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setShown(filter);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  function filter(event: FormEvent) {
    event.preventDefault();
    void read(action.trim(), null);
  }

  return (
    <div className="panel trail">
      <p className="lead">{w.trailLead}</p>
      <form className="filter" onSubmit={filter}>
        <label>
          {w.actionFilter}
          <input name="action" value={action} maxLength={100} onChange={(e) => setAction(e.target.value)} />
        </label>
        <button type="submit" className="secondary" disabled={busy}>
          {w.filter}
        </button>
        {shown !== '' && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => {
              setAction('');
              void read('', null);
            }}
          >
            {w.clearFilter}
          </button>
        )}
      </form>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {events.length === 0 ? (
        <p className="empty">{w.noEvents}</p>
      ) : (
        <table className="list events">
          <thead>
            <tr>
              <th>{w.at}</th>
              <th>{w.actor}</th>
              <th>{w.action}</th>
              <th>{w.outcome}</th>
              <th>{w.target}</th>
              <th>{w.origin}</th>
              <th>{w.details}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <EventRow key={event.id} event={event} />
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <div className="actions">
          <button type="button" className="secondary" disabled={busy} onClick={() => void read(shown, cursor)}>
            {w.more}
          </button>
        </div>
      )}
    </div>
  );
}

function EventRow({ event }: { event: Event }) {
  const session = useSession();
  const w = useWords(words);
  const actions = useWords(actionWords);
  const outcome = event.outcome as keyof typeof w;
  const knownOutcome = outcome === 'SUCCESS' || outcome === 'DENIED' || outcome === 'FAILURE';
  return (
    <tr data-audit-event={event.id} data-action={event.action} data-outcome={event.outcome}>
      <td className="nowrap">{when(event.at, session.language)}</td>
      <td>
        {event.actor ? event.actor.name : <span className="muted">{w.systemActor}</span>}
        {event.actorRole && <div className="muted small">{session.t.roles[event.actorRole] ?? event.actorRole}</div>}
      </td>
      <td>
        {actionLabel(actions, event.action)}
        <div className="code muted small">{event.action}</div>
      </td>
      <td>
        <span className={`badge ${outcomeBadge[event.outcome] ?? ''}`}>
          {knownOutcome ? w[outcome] : event.outcome}
        </span>
      </td>
      <td>
        {event.targetType && <div>{event.targetType}</div>}
        {event.targetId && <div className="code muted small">{event.targetId}</div>}
      </td>
      <td>
        {event.certificate && (
          <div className="code muted small" title={event.certificate}>
            {event.certificate.slice(0, 16)}…
          </div>
        )}
        {event.address && <div className="code small">{event.address}</div>}
      </td>
      <td>{event.details !== '{}' && <code className="details">{event.details}</code>}</td>
    </tr>
  );
}
