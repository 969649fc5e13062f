// Forms 1–5: the applications this person may act on or oversee (the graph
// decides which), waiting ones first, and one application with its history
// and the steps this person may take on it.
import { useEffect, useState } from 'react';
import {
  ApplicationListDocument,
  type ApplicationListQuery,
  type ApplicationStatus,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { ApplicationDetail } from './application-detail';
import { when } from '../decision';
import { problemOf, Tabs } from '../loading';
import { formName } from './format';
import { words } from './words';

type Filter = 'waiting' | 'all';
type Row = ApplicationListQuery['applications']['items'][number];

export function Applications({ me, id }: { me: Me; id?: string }) {
  if (id) return <ApplicationDetail me={me} id={id} />;
  return <ApplicationList />;
}

function ApplicationList() {
  const session = useSession();
  const w = useWords(words);
  const [filter, setFilter] = useState<Filter>('waiting');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [next, setNext] = useState<{ status: ApplicationStatus | null; cursor: string }[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setRows(null);
    setProblem(null);
    // Waiting: submitted (to forward or decide) and forwarded (for the system admin), each its own page.
    const statuses: Array<ApplicationStatus | null> = filter === 'waiting' ? ['SUBMITTED', 'FORWARDED'] : [null];
    Promise.all(statuses.map((status) => session.call(ApplicationListDocument, { status })))
      .then((pages) => {
        if (!live) return;
        setRows(sortRows(pages.flatMap((p) => p.applications.items)));
        setNext(
          pages.flatMap((p, i) =>
            p.applications.nextCursor ? [{ status: statuses[i] ?? null, cursor: p.applications.nextCursor }] : [],
          ),
        );
      })
      .catch((error: unknown) => live && setProblem(problemOf(error)));
    return () => {
      live = false;
    };
    // Again for another filter or language (the graph's messages are in it).
  }, [filter, session.language]);

  async function more() {
    const pages = await Promise.all(
      next.map(({ status, cursor }) => session.call(ApplicationListDocument, { status, after: cursor })),
    ).catch((error: unknown) => {
      setProblem(problemOf(error));
      return null;
    });
    if (!pages) return;
    setRows((current) => sortRows([...(current ?? []), ...pages.flatMap((p) => p.applications.items)]));
    setNext(
      pages.flatMap((p, i) =>
        p.applications.nextCursor ? [{ status: next[i]?.status ?? null, cursor: p.applications.nextCursor }] : [],
      ),
    );
  }

  return (
    <section aria-labelledby="applications-title">
      <h1 id="applications-title">{w.title}</h1>
      <p className="lead">{w.lead}</p>
      <Tabs
        options={[
          ['waiting', w.waiting],
          ['all', w.all],
        ]}
        value={filter}
        onChange={setFilter}
      />
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {!problem && rows === null && <p className="loading">{session.t.loading}</p>}
      {rows !== null && rows.length === 0 && <p className="empty">{w.none}</p>}
      {rows !== null && rows.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th>{w.form}</th>
              <th>{w.facility}</th>
              <th>{w.submittedBy}</th>
              <th>{w.submittedAt}</th>
              <th>{w.status}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-application={row.id}>
                <td>
                  <a href={href({ page: 'applications', id: row.id })}>{formName(row.form, w)}</a>
                </td>
                <td>{row.facility?.name ?? proposedFacility(row, w.newFacility)}</td>
                <td>
                  {row.submittedBy.name}
                  {row.onPaperFor && <span className="muted"> （{row.onPaperFor}）</span>}
                </td>
                <td>{when(row.submittedAt, session.language)}</td>
                <td>
                  <span className={`badge ${row.status.toLowerCase()}`}>{w[row.status]}</span>
                  {row.lateSubmission && <span className="badge late">{w.late}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next.length > 0 && (
        <button type="button" className="secondary" onClick={() => void more()}>
          {w.more}
        </button>
      )}
    </section>
  );
}

/** A Form 1's facility, from what it asks for, marked as new; a dash otherwise. */
function proposedFacility(row: Row, marker: string): string {
  try {
    const name = (JSON.parse(row.content) as { name?: unknown }).name;
    return typeof name === 'string' ? `${name}（${marker}）` : '—';
  } catch {
    return '—';
  }
}

/** Newest first, as the graph pages them; two pages (submitted, forwarded) merged. */
function sortRows(rows: Row[]): Row[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
}
