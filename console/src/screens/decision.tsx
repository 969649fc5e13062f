// What the application screens (Forms 1–5, Forms 8–10) share: taking a step
// (busy while it runs, the graph's refusal or "done" after it, then the
// application read again), the history, and the rejection form.
import { useState, type FormEvent } from 'react';
import { GraphError } from '../graphql';
import { useSession } from '../session';
import type { Language } from '../messages';

export function useStep(reload: () => Promise<void>, doneMessage: string) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  async function act(step: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      await step();
      setNotice(doneMessage);
      await reload();
      return true;
    } catch (error) {
      setProblem(error instanceof GraphError ? error.message : String(error));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, problem, notice, setProblem, act };
}

export function StepOutcome({ problem, notice }: { problem: string | null; notice: string | null }) {
  return (
    <>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
    </>
  );
}

/** A date and time as people read it here (Japan time), in the console's language. */
export function when(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Tokyo',
  }).format(new Date(iso));
}

interface Step {
  action: string;
  actorRole: string;
  reason?: string | null;
  at: string;
  actor: { name: string };
}

export function History({ steps, stepName }: { steps: readonly Step[]; stepName: (action: string) => string }) {
  const session = useSession();
  return (
    <ol className="history">
      {steps.map((step, index) => (
        <li key={index}>
          <span className="when">{when(step.at, session.language)}</span> <strong>{stepName(step.action)}</strong> —{' '}
          {step.actor.name}{' '}
          {step.actorRole && <span className="muted">({session.t.roles[step.actorRole] ?? step.actorRole})</span>}
          {step.reason && <div className="reason">{step.reason}</div>}
        </li>
      ))}
    </ol>
  );
}

export function RejectForm(props: {
  label: string;
  confirm: string;
  cancel: string;
  maxLength: number;
  busy: boolean;
  onReject: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    props.onReject(reason.trim());
  }
  return (
    <form className="reject" onSubmit={submit}>
      <label>
        {props.label}
        <textarea
          name="reason"
          required
          maxLength={props.maxLength}
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <div className="actions">
        <button type="submit" className="danger" disabled={props.busy}>
          {props.confirm}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {props.cancel}
        </button>
      </div>
    </form>
  );
}

export interface StepButton {
  label: string;
  /** Shown only when this person may take the step now. */
  show: boolean;
  run: () => Promise<unknown>;
  secondary?: boolean;
  /** Asked first (a step that cannot be undone, such as withdrawing); the step runs only on yes. */
  confirm?: string;
}

/**
 * The steps this person may take, as buttons, and a rejection that asks for its reason first. Each
 * runs through `act` (useStep): busy while it runs, then the graph's refusal or "done".
 */
export function StepButtons(props: {
  steps: readonly StepButton[];
  reject?: {
    show: boolean;
    label: string;
    reasonLabel: string;
    confirm: string;
    cancel: string;
    maxLength: number;
    run: (reason: string) => Promise<unknown>;
  };
  busy: boolean;
  act: (step: () => Promise<unknown>) => Promise<boolean>;
}) {
  const [rejecting, setRejecting] = useState(false);
  const { reject } = props;
  const shown = props.steps.filter((step) => step.show);
  if (rejecting && reject)
    return (
      <RejectForm
        label={reject.reasonLabel}
        confirm={reject.confirm}
        cancel={reject.cancel}
        maxLength={reject.maxLength}
        busy={props.busy}
        onCancel={() => setRejecting(false)}
        onReject={(reason) => void props.act(() => reject.run(reason)).then((done) => done && setRejecting(false))}
      />
    );
  if (shown.length === 0 && !reject?.show) return null;
  return (
    <div className="actions">
      {shown.map((step) => (
        <button
          key={step.label}
          type="button"
          className={step.secondary ? 'secondary' : undefined}
          disabled={props.busy}
          onClick={() => (!step.confirm || window.confirm(step.confirm)) && void props.act(step.run)}
        >
          {step.label}
        </button>
      ))}
      {reject?.show && (
        <button type="button" className="secondary danger" disabled={props.busy} onClick={() => setRejecting(true)}>
          {reject.label}
        </button>
      )}
    </div>
  );
}
