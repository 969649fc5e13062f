// Art. 23-1: the restriction in force, for everyone (what it stops, the
// system admin's notice, since when, until when); the system admin puts one in
// force (it replaces any in force), with an announced end when there is one (a
// maintenance window: it ends by itself then), and lifts it, each after a
// confirmation.
// Read on its own: systemRestriction answers even under a whole-system
// restriction, which refuses the fault reports.
import { useState, type FormEvent } from 'react';
import {
  LiftRestrictionDocument,
  RestrictSystemDocument,
  RestrictionInForceDocument,
  type RestrictionScope,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { useSession, useWords } from '../../session';
import { when } from '../decision';
import { problemOf, useLoaded } from '../loading';
import { instantOf, localNow, operationNames } from './steps';
import { words } from './words';

const scopes: readonly RestrictionScope[] = ['OPERATIONS', 'READ_ONLY', 'WHOLE_SYSTEM'];

/** endsAt: a `datetime-local` value in the terminal's own time, '' for no announced end. */
type Draft = { scope: RestrictionScope; operations: string; message: string; endsAt: string };

const emptyDraft: Draft = { scope: 'OPERATIONS', operations: '', message: '', endsAt: '' };

export function Restriction({ me }: { me: Me }) {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(async () => (await session.call(RestrictionInForceDocument, {})).systemRestriction, []);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState<'restrict' | 'lift' | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const admin = me.user.role === 'SYSTEM_ADMIN';
  const restriction = loaded.value;
  const draftEnd = instantOf(draft.endsAt);

  async function run(step: () => Promise<string>) {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      setNotice(await step());
      setConfirming(null);
      setEditing(false);
      await loaded.reload();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  const restrict = () =>
    run(async () => {
      await session.call(RestrictSystemDocument, {
        input: {
          scope: draft.scope,
          operations: draft.scope === 'OPERATIONS' ? operationNames(draft.operations) : null,
          message: draft.message.trim(),
          scheduledEndAt: draftEnd,
        },
      });
      setDraft(emptyDraft);
      return w.restricted;
    });
  const lift = () =>
    run(async () => ((await session.call(LiftRestrictionDocument, {})).liftRestriction ? w.lifted : w.liftedNone));

  function review(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setConfirming('restrict');
  }

  return (
    <section
      className={restriction ? 'restriction in-force' : 'restriction'}
      aria-labelledby="restriction-title"
      data-restriction={restriction ? restriction.scope : 'NONE'}
    >
      <h2 id="restriction-title">
        {w.restrictionTitle}
        {restriction && <span className="badge bad">{w.inForce}</span>}
      </h2>
      {loaded.problem && (
        <p role="alert" className="problem">
          {loaded.problem}
        </p>
      )}
      {!loaded.problem && restriction === undefined && <p className="loading">{session.t.loading}</p>}
      {restriction === null && <p className="empty">{w.noRestriction}</p>}
      {restriction && (
        <dl className="fields">
          <dt>{w.message}</dt>
          <dd className="text" data-restriction-message>
            {restriction.message}
          </dd>
          <dt>{w.scope}</dt>
          <dd>{w[restriction.scope]}</dd>
          {restriction.scope === 'OPERATIONS' && (
            <>
              <dt>{w.operations}</dt>
              <dd className="code">{restriction.operations.join(', ')}</dd>
            </>
          )}
          <dt>{w.since}</dt>
          <dd>{when(restriction.startedAt, session.language)}</dd>
          <dt>{w.until}</dt>
          <dd data-restriction-end>
            {restriction.scheduledEndAt ? when(restriction.scheduledEndAt, session.language) : w.untilUnknown}
          </dd>
        </dl>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {problem && !confirming && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}

      {admin && restriction !== undefined && !editing && !confirming && (
        <div className="actions">
          <button
            type="button"
            className={restriction ? 'secondary' : undefined}
            onClick={() => {
              setNotice(null);
              setProblem(null);
              setEditing(true);
            }}
          >
            {restriction ? w.replace : w.restrict}
          </button>
          {restriction && (
            <button
              type="button"
              className="danger"
              onClick={() => {
                setNotice(null);
                setProblem(null);
                setConfirming('lift');
              }}
            >
              {w.lift}
            </button>
          )}
        </div>
      )}

      {admin && editing && confirming !== 'restrict' && (
        <form className="restrict" aria-labelledby="restrict-title" onSubmit={review}>
          <h3 id="restrict-title">{w.restrictTitle}</h3>
          <fieldset>
            <legend>{w.scope}</legend>
            {scopes.map((scope) => (
              <label key={scope} className="choice">
                <input
                  type="radio"
                  name="scope"
                  value={scope}
                  checked={draft.scope === scope}
                  onChange={() => setDraft({ ...draft, scope })}
                />
                {w[scope]}
              </label>
            ))}
          </fieldset>
          {draft.scope === 'OPERATIONS' && (
            <label>
              {w.operationsLabel}
              <input
                name="operations"
                value={draft.operations}
                onChange={(e) => setDraft({ ...draft, operations: e.target.value })}
                autoComplete="off"
              />
              <span className="hint">{w.operationsHint}</span>
            </label>
          )}
          <label>
            {w.messageLabel}
            <textarea
              name="message"
              rows={3}
              value={draft.message}
              onChange={(e) => setDraft({ ...draft, message: e.target.value })}
            />
            <span className="hint">{w.messageHint}</span>
          </label>
          <label>
            {w.endLabel}
            <input
              type="datetime-local"
              name="endsAt"
              value={draft.endsAt}
              min={localNow()}
              onChange={(e) => setDraft({ ...draft, endsAt: e.target.value })}
            />
            <span className="hint">{w.endHint}</span>
          </label>
          <div className="actions">
            <button type="submit">{w.review}</button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              {w.cancel}
            </button>
          </div>
        </form>
      )}

      {admin && confirming === 'restrict' && (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-restrict-title">
          <h3 id="confirm-restrict-title">{w.confirmRestrictTitle}</h3>
          <p>{w.confirmRestrictLead}</p>
          <dl className="fields">
            <dt>{w.scope}</dt>
            <dd>{w[draft.scope]}</dd>
            {draft.scope === 'OPERATIONS' && (
              <>
                <dt>{w.operations}</dt>
                <dd className="code">{operationNames(draft.operations).join(', ') || '—'}</dd>
              </>
            )}
            <dt>{w.message}</dt>
            <dd className="text">{draft.message.trim() || '—'}</dd>
            <dt>{w.until}</dt>
            <dd>{draftEnd ? when(draftEnd, session.language) : w.untilUnknown}</dd>
          </dl>
          {problem && (
            <p role="alert" className="problem">
              {problem}
            </p>
          )}
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void restrict()}>
              {w.confirmRestrict}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(null)}>
              {w.back}
            </button>
          </div>
        </div>
      )}

      {admin && confirming === 'lift' && (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-lift-title">
          <h3 id="confirm-lift-title">{w.confirmLiftTitle}</h3>
          <p>{w.confirmLiftLead}</p>
          {problem && (
            <p role="alert" className="problem">
              {problem}
            </p>
          )}
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void lift()}>
              {w.confirmLift}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(null)}>
              {w.cancel}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
