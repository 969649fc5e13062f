// The forced password change. The graph ends every session of the account
// when its password changes, so the person signs in again with the new one.
import { useState, type FormEvent } from 'react';
import { ChangePasswordDocument } from '../../../generated/console/operations';
import { GraphError } from '../graphql';
import { useSession } from '../session';

export function ChangePassword() {
  const session = useSession();
  const { t } = session;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (next !== again) {
      setProblem(t.passwordsDiffer);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await session.call(ChangePasswordDocument, { currentPassword: current, newPassword: next });
      session.end(t.passwordChanged);
    } catch (error) {
      setProblem(error instanceof GraphError ? error.message : t.networkError);
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <header>
        <p className="network">{t.networkName}</p>
      </header>
      <form onSubmit={submit} aria-labelledby="change-password-title">
        <h1 id="change-password-title">{t.changePasswordTitle}</h1>
        <p className="lead">{t.changePasswordLead}</p>
        <label>
          {t.currentPassword}
          <input
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label>
          {t.newPassword}
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <label>
          {t.confirmPassword}
          <input
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
        </label>
        {problem && (
          <p role="alert" className="problem">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t.changePassword}
        </button>
      </form>
    </main>
  );
}
