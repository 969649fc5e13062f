import { useState, type FormEvent } from 'react';
import { SignInDocument } from '../../../generated/console/operations';
import { GraphError } from '../graphql';
import { useSession } from '../session';
import { LanguageSwitch } from './language-switch';

export function SignIn() {
  const session = useSession();
  const { t } = session;
  const [accountId, setAccountId] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const { signIn } = await session.call(SignInDocument, { accountId: accountId.trim(), password });
      setPassword('');
      session.signedIn(signIn.token);
    } catch (error) {
      setProblem(error instanceof GraphError ? error.message : t.networkError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <header>
        <p className="network">{t.networkName}</p>
        <LanguageSwitch />
      </header>
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t.signInTitle}</h1>
        <p className="lead">{t.signInLead}</p>
        {session.notice && (
          <p role="status" className="notice">
            {session.notice}
          </p>
        )}
        <label>
          {t.accountId}
          <input
            name="accountId"
            autoComplete="username"
            required
            value={accountId}
            onChange={(e) => setAccountId(e.target.value)}
          />
        </label>
        <label>
          {t.password}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {problem && (
          <p role="alert" className="problem">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t.signingIn : t.signIn}
        </button>
      </form>
    </main>
  );
}
