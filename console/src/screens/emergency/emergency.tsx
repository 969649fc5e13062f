// Break-glass (emergency access): the system admin declares one (subject,
// coded reason, circumstances, the people who may read, 1 to 72 hours), ends
// one early and records the review once it has ended; the list shows every
// access or those waiting for their review. Everyone sees the accesses in
// force granted to them, with links to the rooms they open. The graph
// decides every step and its refusal is shown as is.
import { useState, type FormEvent } from 'react';
import {
  DeclareEmergencyAccessDocument,
  EmergencyAccessesDocument,
  EndEmergencyAccessDocument,
  MyEmergencyAccessesDocument,
  RecordEmergencyAccessReviewDocument,
  type EmergencyAccessFieldsFragment,
  type EmergencyAccessReason,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { when } from '../decision';
import { LoadedView, Tabs, problemOf, useLoaded } from '../loading';
import { ColleaguePicker, type Colleague } from '../rooms/colleague-picker';
import { words } from './words';

const reasons: readonly EmergencyAccessReason[] = ['DISASTER', 'URGENT_RISK_TO_LIFE_BODY_PROPERTY'];

export function Emergency({ me }: { me: Me }) {
  const session = useSession();
  const w = useWords(words);
  const admin = me.user.role === 'SYSTEM_ADMIN';
  return (
    <section className="emergency" aria-labelledby="emergency-title">
      <h1 id="emergency-title">{session.t.emergency}</h1>
      <p className="lead">{admin ? w.leadAdmin : w.leadOther}</p>
      {admin ? <Administration /> : <Mine />}
    </section>
  );
}

function Mine() {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(async () => (await session.call(MyEmergencyAccessesDocument, {})).myEmergencyAccesses, []);
  return (
    <>
      <h2 id="emergency-mine-title">{w.mine}</h2>
      <LoadedView loaded={loaded} isEmpty={(rows) => rows.length === 0} emptyText={w.mineNone}>
        {(rows) => (
          <ul aria-labelledby="emergency-mine-title">
            {rows.map((access) => (
              <li key={access.id} data-emergency-access={access.id}>
                {w[access.reason]} · {w.until} {when(access.endsAt, session.language)}
                <ul>
                  {access.rooms.map((room) => (
                    <li key={room.id}>
                      <a href={href({ page: 'rooms', id: room.id })}>{room.title}</a>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </LoadedView>
    </>
  );
}

type Filter = 'ALL' | 'OPEN_REVIEWS';

function Administration() {
  const session = useSession();
  const w = useWords(words);
  const [filter, setFilter] = useState<Filter>('ALL');
  const [declaring, setDeclaring] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const loaded = useLoaded(
    async () =>
      (await session.call(EmergencyAccessesDocument, { openReviewsOnly: filter === 'OPEN_REVIEWS' })).emergencyAccesses,
    [filter],
  );
  const changed = (message: string) => {
    setDone(message);
    void loaded.reload();
  };

  return (
    <>
      {done && (
        <p role="status" className="done">
          {done}
        </p>
      )}
      {declaring ? (
        <Declare
          onCancel={() => setDeclaring(false)}
          onDeclared={() => {
            setDeclaring(false);
            changed(w.declared);
          }}
        />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setDeclaring(true)}>
            {w.declare}
          </button>
        </div>
      )}
      <h2 id="emergency-list-title">{w.list}</h2>
      <Tabs
        options={[
          ['ALL', w.all],
          ['OPEN_REVIEWS', w.openReviews],
        ]}
        value={filter}
        onChange={setFilter}
      />
      <LoadedView loaded={loaded} isEmpty={(rows) => rows.length === 0} emptyText={w.none}>
        {(rows) => (
          <table className="list" aria-labelledby="emergency-list-title">
            <thead>
              <tr>
                <th>{w.declaredAt}</th>
                <th>{w.reason}</th>
                <th>{w.grantees}</th>
                <th>{w.until}</th>
                <th>{w.status}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((access) => (
                <AccessRow key={access.id} access={access} onChanged={changed} />
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
    </>
  );
}

function AccessRow({
  access,
  onChanged,
}: {
  access: EmergencyAccessFieldsFragment;
  onChanged: (message: string) => void;
}) {
  const session = useSession();
  const w = useWords(words);
  const [findings, setFindings] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function act(step: () => Promise<unknown>, message: string) {
    setBusy(true);
    setProblem(null);
    try {
      await step();
      onChanged(message);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <tr data-emergency-access={access.id} data-status={access.status}>
      <td className="nowrap">
        {when(access.declaredAt, session.language)}
        <span className="muted"> {access.declaredBy.name}</span>
      </td>
      <td>
        {w[access.reason]}
        {access.justification && <p className="muted">{access.justification}</p>}
      </td>
      <td>{access.grantees.map((g) => g.name).join('、')}</td>
      <td className="nowrap">{when(access.endedAt ?? access.endsAt, session.language)}</td>
      <td>
        {w[access.status]}
        {access.status === 'ACTIVE' && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void act(() => session.call(EndEmergencyAccessDocument, { id: access.id }), w.ended)}
          >
            {w.end}
          </button>
        )}
        {access.status === 'REVIEW_DUE' && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void act(
                () => session.call(RecordEmergencyAccessReviewDocument, { id: access.id, findings }),
                w.reviewed,
              );
            }}
          >
            <label>
              {w.findings}
              <textarea name="findings" rows={3} value={findings} onChange={(e) => setFindings(e.target.value)} />
            </label>
            <button type="submit" disabled={busy}>
              {w.review}
            </button>
          </form>
        )}
        {access.status === 'REVIEWED' && access.findings && <p className="muted">{access.findings}</p>}
        {problem && (
          <p role="alert" className="problem">
            {problem}
          </p>
        )}
      </td>
    </tr>
  );
}

function Declare({ onCancel, onDeclared }: { onCancel: () => void; onDeclared: () => void }) {
  const session = useSession();
  const w = useWords(words);
  const [subjectId, setSubjectId] = useState('');
  const [reason, setReason] = useState<EmergencyAccessReason>('DISASTER');
  const [justification, setJustification] = useState('');
  const [grantees, setGrantees] = useState<Colleague[]>([]);
  const [hours, setHours] = useState('24');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await session.call(DeclareEmergencyAccessDocument, {
        input: {
          subjectId: subjectId.trim(),
          reason,
          justification,
          granteeIds: grantees.map((g) => g.id),
          // Not a whole number is sent as 0: the graph refuses it and names the field.
          hours: Number.isInteger(Number(hours)) ? Number(hours) : 0,
        },
      });
      onDeclared();
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  }

  return (
    <form className="declare" aria-labelledby="declare-title" onSubmit={send}>
      <h3 id="declare-title">{w.declareTitle}</h3>
      <label>
        {w.subjectId}
        <input name="subjectId" value={subjectId} onChange={(e) => setSubjectId(e.target.value)} autoComplete="off" />
      </label>
      <label>
        {w.reason}
        <select name="reason" value={reason} onChange={(e) => setReason(e.target.value as EmergencyAccessReason)}>
          {reasons.map((r) => (
            <option key={r} value={r}>
              {w[r]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {w.justification}
        <textarea
          name="justification"
          rows={4}
          value={justification}
          onChange={(e) => setJustification(e.target.value)}
        />
      </label>
      <ColleaguePicker chosen={grantees} onChange={setGrantees} max={20} legend={w.grantees} />
      <label>
        {w.hours}
        <input name="hours" type="number" value={hours} onChange={(e) => setHours(e.target.value)} />
      </label>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? w.sending : w.send}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}
