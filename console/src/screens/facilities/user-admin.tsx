// Account actions on a facility's users, for the roles the graph lets act:
// suspend for a violation (Art. 23-3: the person's sessions end at once) and
// reinstate (the system admin), reset a forgotten password (the system admin,
// or an admin manager for staff and facility managers: the new one-time
// password is shown once). Each asks for confirmation with the reason the
// graph records; afterwards the person's status is shown. A refusal shows the
// graph's own message.
import { useState, type FormEvent } from 'react';
import {
  ReinstateUserDocument,
  ResetUserPasswordDocument,
  SuspendUserDocument,
  type UserStatus,
} from '../../../../generated/console/operations';
import { useSession, useWords } from '../../session';
import { problemOf } from './load';
import type { UserAction } from './user-actions';
import { fill, userAdminWords, userStatuses } from './words';

export interface AdminUser {
  id: string;
  name: string;
  role: string;
  accountId?: string | null;
  status?: UserStatus | null;
}

export type Pending = { user: AdminUser; action: UserAction };

export type Outcome =
  | { kind: 'status'; name: string; status: UserStatus }
  | { kind: 'reset'; name: string; accountId: string | null; initialPassword: string };

const buttonWord = { suspend: 'suspend', reinstate: 'reinstate', reset: 'reset' } as const;

/** The row's buttons, named with the person (several rows carry the same words). */
export function UserActionButtons(props: {
  user: AdminUser;
  actions: readonly UserAction[];
  onPick: (pending: Pending) => void;
}) {
  const w = useWords(userAdminWords);
  return (
    <div className="user-actions">
      {props.actions.map((action) => (
        <button
          key={action}
          type="button"
          className={action === 'suspend' ? 'secondary danger' : 'secondary'}
          aria-label={`${w[buttonWord[action]]}: ${props.user.name}`}
          onClick={() => props.onPick({ user: props.user, action })}
        >
          {w[buttonWord[action]]}
        </button>
      ))}
    </div>
  );
}

const texts = {
  suspend: { title: 'suspendTitle', lead: 'suspendLead', confirm: 'suspendConfirm' },
  reinstate: { title: 'reinstateTitle', lead: 'reinstateLead', confirm: 'reinstateConfirm' },
  reset: { title: 'resetTitle', lead: 'resetLead', confirm: 'resetConfirm' },
} as const;

/** The confirmation with the reason; the action runs only on its button, and a refusal stays here. */
export function UserActionConfirm({
  pending,
  onCancel,
  onDone,
}: {
  pending: Pending;
  onCancel: () => void;
  onDone: (outcome: Outcome) => void;
}) {
  const session = useSession();
  const w = useWords(userAdminWords);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { user, action } = pending;
  const text = texts[action];

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const variables = { userId: user.id, reason: reason.trim() };
      if (action === 'reset') {
        const { resetPassword } = await session.call(ResetUserPasswordDocument, variables);
        onDone({
          kind: 'reset',
          name: user.name,
          accountId: resetPassword.user.accountId ?? user.accountId ?? null,
          initialPassword: resetPassword.initialPassword,
        });
      } else {
        const changed =
          action === 'suspend'
            ? (await session.call(SuspendUserDocument, variables)).suspendUser
            : (await session.call(ReinstateUserDocument, variables)).reinstateUser;
        onDone({
          kind: 'status',
          name: user.name,
          status: changed.status ?? (action === 'suspend' ? 'SUSPENDED' : 'ACTIVE'),
        });
      }
    } catch (error) {
      setProblem(problemOf(error, session));
      setBusy(false);
    }
  }

  return (
    <form
      className="confirm"
      role="alertdialog"
      aria-labelledby="user-action-title"
      data-user-action={action}
      onSubmit={confirm}
    >
      <h3 id="user-action-title">{fill(w[text.title], { name: user.name })}</h3>
      <p>{w[text.lead]}</p>
      <label>
        {w.reason}
        <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className={action === 'suspend' ? 'danger' : undefined} disabled={busy}>
          {busy ? w.working : w[text.confirm]}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}

/** The person's status after the action, or the one-time password, shown once until closed. */
export function UserActionOutcome({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  const w = useWords(userAdminWords);
  const status = useWords(userStatuses);
  if (outcome.kind === 'status')
    return (
      <p role="status" className="notice" data-status-after={outcome.status}>
        {fill(w.statusAfter, { name: outcome.name, status: status[outcome.status] })}
      </p>
    );
  const title = fill(w.resetTitleDone, { name: outcome.name });
  return (
    <div className="issued" role="region" aria-label={title}>
      <h3>{title}</h3>
      <p className="notice once">{w.resetLeadDone}</p>
      <dl className="details">
        {outcome.accountId && (
          <>
            <dt>{w.accountId}</dt>
            <dd className="code" data-reset="accountId">
              {outcome.accountId}
            </dd>
          </>
        )}
        <dt>{w.initialPassword}</dt>
        <dd>
          <output className="secret" data-reset="initialPassword">
            {outcome.initialPassword}
          </output>
        </dd>
      </dl>
      <div className="buttons">
        <button type="button" onClick={onClose}>
          {w.done}
        </button>
      </div>
    </div>
  );
}
