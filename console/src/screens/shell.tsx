import type { ReactNode } from 'react';
import { SignOutDocument, type MeQuery } from '../../../generated/console/operations';
import { useSession } from '../session';
import { LanguageSwitch } from './language-switch';

type Me = NonNullable<MeQuery['me']>;

export function Shell({ me, children }: { me: Me; children: ReactNode }) {
  const session = useSession();
  const { t } = session;

  async function signOut() {
    // The session ends here whatever the answer: a failed signOut must not leave the page signed in.
    await session.call(SignOutDocument, {}).catch(() => undefined);
    session.end(t.signedOut);
  }

  return (
    <div className="shell">
      <header className="top">
        <p className="network">
          {t.networkName} <span className="product">{t.console}</span>
        </p>
        <div className="who">
          <span className="name">{me.user.name}</span>
          <span className="role">
            {t.roles[me.user.role] ?? me.user.role} · {me.user.facility.name}
          </span>
        </div>
        <LanguageSwitch />
        <button type="button" className="secondary" onClick={signOut}>
          {t.signOut}
        </button>
      </header>
      <nav className="side" aria-label={t.console}>
        <a href="/" aria-current="page">
          {t.inbox}
        </a>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
