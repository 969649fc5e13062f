// One fault report (Art. 22): what was reported, the system admin's answer
// once there is one, the history with its notes, and the steps this person may
// take: the facility manager forwards (with a note), the system admin starts
// investigating (with a note) and answers, which closes the report. The graph
// has no single-report read: the report is found among those the caller may
// see, so another's report is "not found" alike.
import { useState, type FormEvent } from 'react';
import {
  FaultReportsDocument,
  ForwardFaultDocument,
  InvestigateFaultDocument,
  ResolveFaultDocument,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { History, StepButtons, StepOutcome, useStep, when } from '../decision';
import { BackLink, NotLoaded, useLoaded } from '../loading';
import { StatusBadge, viewerOf } from './status';
import { faultSteps, stepKey } from './steps';
import { words } from './words';

export function FaultReport({ me, id }: { me: Me; id: string }) {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(
    async () =>
      (await session.call(FaultReportsDocument, { status: null })).faultReports.find((f) => f.id === id) ?? null,
    [id],
  );
  const { busy, problem, notice, act } = useStep(loaded.reload, w.done);
  const [note, setNote] = useState('');
  const [response, setResponse] = useState('');
  const back = { href: href({ page: 'faults' }), label: w.toList };
  const fault = loaded.value;
  if (!fault) return <NotLoaded back={back} loaded={loaded} notFound={w.notFound} />;

  const may = faultSteps(viewerOf(me), { status: fault.status, facilityId: fault.facility.id });
  const noteOrNull = () => (note.trim() === '' ? null : note.trim());
  /** A step taken: its note is in the history now. */
  async function step(run: () => Promise<unknown>): Promise<boolean> {
    const done = await act(run);
    if (done) setNote('');
    return done;
  }

  function resolve(event: FormEvent) {
    event.preventDefault();
    void act(() => session.call(ResolveFaultDocument, { id, response: response.trim() })).then(
      (done) => done && setResponse(''),
    );
  }

  return (
    <section aria-labelledby="fault-title" data-fault={fault.id}>
      <BackLink {...back} />
      <h1 id="fault-title">{fault.summary}</h1>
      <p className="lead">
        <StatusBadge status={fault.status} />
      </p>
      <dl className="fields">
        <dt>{w.occurredAt}</dt>
        <dd>{when(fault.occurredAt, session.language)}</dd>
        <dt>{w.reporter}</dt>
        <dd>{fault.reportedBy.name}</dd>
        <dt>{w.facility}</dt>
        <dd>{fault.facility.name}</dd>
        <dt>{w.details}</dt>
        <dd className="text">{fault.details}</dd>
      </dl>

      <h2>{w.response}</h2>
      {fault.response ? (
        <div className="response text" data-response>
          {fault.response}
        </div>
      ) : (
        <p className="empty">{w.noResponse}</p>
      )}

      <h2>{w.history}</h2>
      <History
        steps={fault.steps.map((step, index) => ({
          action: stepKey(index, step.status),
          actor: step.actor,
          actorRole: step.actorRole,
          reason: step.note,
          at: step.at,
        }))}
        stepName={(action) => w[action as ReturnType<typeof stepKey>]}
      />

      <StepOutcome problem={problem} notice={notice} />
      {(may.forward || may.investigate) && (
        <label className="note">
          {w.note}
          <textarea name="note" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
          <span className="hint">{w.noteHint}</span>
        </label>
      )}
      <StepButtons
        busy={busy}
        act={step}
        steps={[
          {
            label: w.forward,
            show: may.forward,
            run: () => session.call(ForwardFaultDocument, { id, note: noteOrNull() }),
          },
          {
            label: w.investigate,
            show: may.investigate,
            secondary: may.resolve,
            run: () => session.call(InvestigateFaultDocument, { id, note: noteOrNull() }),
          },
        ]}
      />
      {may.resolve && (
        <form className="resolve" aria-labelledby="resolve-title" onSubmit={resolve}>
          <h3 id="resolve-title">{w.resolveTitle}</h3>
          <label>
            {w.responseLabel}
            <textarea name="response" rows={4} value={response} onChange={(e) => setResponse(e.target.value)} />
          </label>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {w.resolve}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
