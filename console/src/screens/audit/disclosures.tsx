// Disclosure requests (appendix 5), newest first, a page at a time,
// optionally about one subject; and the form that records a new one (the
// graph lets admin and hospital managers record too; this page is the system
// administrator's). A recorded request opens at #/audit/<id>.
import { useState, type FormEvent } from 'react';
import {
  DisclosureRequestListDocument,
  RecordDisclosureRequestDocument,
  type DisclosureRequestListQuery,
  type DisclosureRequester,
} from '../../../../generated/console/operations';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { when } from '../decision';
import { problemOf, useLoaded } from '../loading';
import { requestInput, requesters, todayInJapan, type RequestForm } from './format';
import { words } from './words';

type Row = DisclosureRequestListQuery['disclosureRequests']['items'][number];

const pageSize = 50;

export const statusBadge = { RECEIVED: 'submitted', REPORTED: 'approved' } as const;

export function DisclosurePanel() {
  const session = useSession();
  const w = useWords(words);
  const [subject, setSubject] = useState('');
  const [filter, setFilter] = useState('');
  const [recording, setRecording] = useState(false);
  const [more, setMore] = useState<{ rows: Row[]; cursor: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useLoaded(
    () =>
      session
        .call(DisclosureRequestListDocument, { subjectId: filter === '' ? null : filter, first: pageSize })
        .then((data) => data.disclosureRequests),
    [filter],
  );
  const rows = first.value && [...first.value.items, ...(more?.rows ?? [])];
  const cursor = more ? more.cursor : first.value?.nextCursor;

  function applyFilter(event: FormEvent) {
    event.preventDefault();
    setMore(null);
    setFilter(subject.trim());
  }

  async function readMore() {
    if (!cursor) return;
    setBusy(true);
    try {
      const page = (
        await session.call(DisclosureRequestListDocument, {
          subjectId: filter === '' ? null : filter,
          first: pageSize,
          after: cursor,
        })
      ).disclosureRequests;
      setMore((before) => ({ rows: [...(before?.rows ?? []), ...page.items], cursor: page.nextCursor }));
    } catch (error) {
      first.setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="panel disclosures">
      <p className="lead">{w.disclosureLead}</p>
      {recording ? (
        <RecordRequest onCancel={() => setRecording(false)} />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setRecording(true)}>
            {w.record}
          </button>
        </div>
      )}
      <form className="filter" onSubmit={applyFilter}>
        <label>
          {w.filterSubject}
          <input name="subject" value={subject} maxLength={36} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <button type="submit" className="secondary">
          {w.filter}
        </button>
        {filter !== '' && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setSubject('');
              setMore(null);
              setFilter('');
            }}
          >
            {w.clearFilter}
          </button>
        )}
      </form>
      {first.problem && (
        <p role="alert" className="problem">
          {first.problem}
        </p>
      )}
      {!first.problem && rows === undefined && <p className="loading">{session.t.loading}</p>}
      {rows !== undefined && rows.length === 0 && <p className="empty">{w.noRequests}</p>}
      {rows !== undefined && rows.length > 0 && (
        <table className="list requests">
          <thead>
            <tr>
              <th>{w.receivedOn}</th>
              <th>{w.subject}</th>
              <th>{w.requestedBy}</th>
              <th>{w.receivedVia}</th>
              <th>{w.recordedAt}</th>
              <th>{w.status}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-disclosure-request={row.id}>
                <td className="nowrap">
                  <a href={href({ page: 'audit', id: row.id })}>{row.receivedOn}</a>
                </td>
                <td className="code small">{row.subject.id}</td>
                <td>
                  {w[row.requestedBy]}
                  {row.requesterName && (
                    <div className="muted small">
                      {row.requesterName}
                      {row.relationship && `（${row.relationship}）`}
                    </div>
                  )}
                </td>
                <td>{row.receivedVia}</td>
                <td className="nowrap">{when(row.recordedAt, session.language)}</td>
                <td>
                  <span className={`badge ${statusBadge[row.status]}`}>{w[row.status]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows !== undefined && cursor && (
        <div className="actions">
          <button type="button" className="secondary" disabled={busy} onClick={() => void readMore()}>
            {w.more}
          </button>
        </div>
      )}
    </div>
  );
}

function RecordRequest({ onCancel }: { onCancel: () => void }) {
  const session = useSession();
  const w = useWords(words);
  const [form, setForm] = useState<RequestForm>(() => ({
    subjectId: '',
    requestedBy: 'SUBJECT',
    requesterName: '',
    relationship: '',
    receivedVia: '',
    receivedOn: todayInJapan(new Date()),
  }));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (field: keyof RequestForm) => (value: string) => setForm((before) => ({ ...before, [field]: value }));
  const bySubject = form.requestedBy === 'SUBJECT';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const recorded = await session.call(RecordDisclosureRequestDocument, { input: requestInput(form) });
      location.hash = href({ page: 'audit', id: recorded.recordDisclosureRequest.id });
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  }

  return (
    <form className="record" aria-labelledby="record-title" onSubmit={submit}>
      <h2 id="record-title">{w.recordTitle}</h2>
      <label>
        {w.subjectId}
        <input
          name="subjectId"
          required
          maxLength={36}
          value={form.subjectId}
          onChange={(e) => set('subjectId')(e.target.value)}
        />
      </label>
      <span className="hint">{w.subjectIdHint}</span>
      <label>
        {w.requestedBy}
        <select
          name="requestedBy"
          value={form.requestedBy}
          onChange={(e) => set('requestedBy')(e.target.value as DisclosureRequester)}
        >
          {requesters.map((requester) => (
            <option key={requester} value={requester}>
              {w[requester]}
            </option>
          ))}
        </select>
      </label>
      {!bySubject && (
        <>
          <label>
            {w.requesterName}
            <input
              name="requesterName"
              maxLength={100}
              value={form.requesterName}
              onChange={(e) => set('requesterName')(e.target.value)}
            />
          </label>
          <span className="hint">{w.requesterNameHint}</span>
          <label>
            {w.relationship}
            <input
              name="relationship"
              maxLength={50}
              value={form.relationship}
              onChange={(e) => set('relationship')(e.target.value)}
            />
          </label>
          <span className="hint">{w.relationshipHint}</span>
        </>
      )}
      <label>
        {w.receivedVia}
        <input
          name="receivedVia"
          maxLength={200}
          value={form.receivedVia}
          onChange={(e) => set('receivedVia')(e.target.value)}
        />
      </label>
      <span className="hint">{w.receivedViaHint}</span>
      <label>
        {w.receivedOn}
        <input
          name="receivedOn"
          type="date"
          required
          value={form.receivedOn}
          onChange={(e) => set('receivedOn')(e.target.value)}
        />
      </label>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {w.save}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}
