// Art. 18 existence checks: "does a room exist for this person?". The
// question climbs facility manager → admin or hospital manager → system
// admin; each sees what waits for it and passes it on, the system admin
// answers (whether a room exists and whom to ask, nothing of the room). A user
// sees the questions they asked and the answers.
import { useEffect, useState } from 'react';
import {
  AnswerExistenceCheckDocument,
  ExistenceCheckListDocument,
  PassExistenceCheckDocument,
  type ExistenceCheckListQuery,
  type ExistenceCheckStatus,
  type Role,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { useSession, useWords } from '../../session';
import { StepOutcome, when } from '../decision';
import { day, problemText } from './format';
import { words } from './words';

type Check = ExistenceCheckListQuery['existenceChecks'][number];

/** The status that waits for this role, if any. */
export function checkWaitingFor(role: Role): ExistenceCheckStatus | null {
  if (role === 'FACILITY_MANAGER') return 'AT_FACILITY_MANAGER';
  if (role === 'ADMIN_MANAGER' || role === 'HOSPITAL_MANAGER') return 'AT_MANAGER';
  if (role === 'SYSTEM_ADMIN') return 'AT_SYSTEM_ADMIN';
  return null;
}

export function ExistenceChecks({ me }: { me: Me }) {
  const session = useSession();
  const w = useWords(words);
  const waiting = checkWaitingFor(me.user.role);
  const [filter, setFilter] = useState<'waiting' | 'all'>(waiting ? 'waiting' : 'all');
  const [checks, setChecks] = useState<Check[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [contact, setContact] = useState<Record<string, string>>({});

  const load = async () =>
    setChecks(
      (await session.call(ExistenceCheckListDocument, { status: filter === 'waiting' ? waiting : null }))
        .existenceChecks,
    );

  useEffect(() => {
    setChecks(null);
    load().catch((error: unknown) => setProblem(problemText(error, w)));
  }, [filter, session.language]);

  async function act(step: () => Promise<unknown>) {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      await step();
      setNotice(w.done);
      await load();
    } catch (error) {
      setProblem(problemText(error, w));
    } finally {
      setBusy(false);
    }
  }

  // A user who never asked has nothing here: the section stays away until there is something to show.
  if (!waiting && checks !== null && checks.length === 0) return null;

  return (
    <section aria-labelledby="existence-checks-title" className="existence-checks">
      <h2 id="existence-checks-title">{w.checksTitle}</h2>
      <p className="muted">{w.checksLead}</p>
      {waiting && (
        <div className="tabs" role="tablist">
          {(['waiting', 'all'] as const).map((f) => (
            <button
              key={f}
              type="button"
              role="tab"
              aria-selected={filter === f}
              className={filter === f ? 'tab current' : 'tab'}
              onClick={() => setFilter(f)}
            >
              {f === 'waiting' ? w.waitingChecks : w.allChecks}
            </button>
          ))}
        </div>
      )}
      <StepOutcome problem={problem} notice={notice} />
      {checks === null && !problem && <p className="loading">{session.t.loading}</p>}
      {checks !== null && checks.length === 0 && <p className="empty">{w.noChecks}</p>}
      {checks !== null && checks.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th>{w.nameKana}</th>
              <th>{w.birthDate}</th>
              <th>{w.askedBy}</th>
              <th>{w.askedAt}</th>
              <th>{w.status}</th>
              <th>{w.answer}</th>
            </tr>
          </thead>
          <tbody>
            {checks.map((c) => (
              <tr key={c.id} data-existence-check={c.id}>
                <td>{c.nameKana}</td>
                <td>{day(c.birthDate, session.language)}</td>
                <td>
                  {c.requestedBy.name} <span className="muted">({c.requestedBy.facility.name})</span>
                </td>
                <td>{when(c.createdAt, session.language)}</td>
                <td>
                  <span className={`badge ${c.status === 'ANSWERED' ? 'good' : 'submitted'}`}>{w[c.status]}</span>
                </td>
                <td>
                  {c.status === 'ANSWERED' && (
                    <>
                      {c.roomExists ? w.roomExists : w.noRoomExists}
                      {c.contact && <div className="muted">{c.contact}</div>}
                    </>
                  )}
                  {c.status === waiting && c.status !== 'AT_SYSTEM_ADMIN' && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => void act(() => session.call(PassExistenceCheckDocument, { id: c.id, note: null }))}
                    >
                      {w.pass}
                    </button>
                  )}
                  {c.status === 'AT_SYSTEM_ADMIN' && waiting === 'AT_SYSTEM_ADMIN' && (
                    <div className="answer">
                      <label>
                        {w.contact}
                        <input
                          maxLength={200}
                          value={contact[c.id] ?? ''}
                          onChange={(e) => setContact({ ...contact, [c.id]: e.target.value })}
                        />
                      </label>
                      <div className="actions">
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() =>
                            void act(() =>
                              session.call(AnswerExistenceCheckDocument, {
                                id: c.id,
                                roomExists: true,
                                contact: contact[c.id]?.trim() || null,
                              }),
                            )
                          }
                        >
                          {w.answerYes}
                        </button>
                        <button
                          type="button"
                          className="secondary"
                          disabled={busy}
                          onClick={() =>
                            void act(() =>
                              session.call(AnswerExistenceCheckDocument, {
                                id: c.id,
                                roomExists: false,
                                contact: contact[c.id]?.trim() || null,
                              }),
                            )
                          }
                        >
                          {w.answerNo}
                        </button>
                      </div>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
