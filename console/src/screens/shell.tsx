// The signed-in frame: who is signed in, the language, sign-out, and the
// screens this person's role has (the permission table; the graph still
// decides every request).
import type { ReactNode } from 'react';
import { SignOutDocument, type Role } from '../../../generated/console/operations';
import type { Me } from '../app';
import { href, type Route } from '../route';
import { useSession } from '../session';
import type { Messages } from '../messages';
import { LanguageSwitch } from './language-switch';

const managers: readonly Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'FACILITY_MANAGER'];
const everyone: readonly Role[] = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'];

const pages: ReadonlyArray<{ page: Route['page']; title: (t: Messages) => string; for: readonly Role[] }> = [
  {
    page: 'inbox',
    title: (t) => t.inbox,
    for: ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'],
  },
  { page: 'rooms', title: (t) => t.rooms, for: everyone },
  { page: 'subjects', title: (t) => t.subjects, for: everyone },
  { page: 'applications', title: (t) => t.applications, for: managers },
  {
    page: 'room-applications',
    title: (t) => t.roomApplications,
    for: ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'],
  },
  { page: 'facilities', title: (t) => t.facilities, for: managers },
  { page: 'exchange', title: (t) => t.exchange, for: ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER'] },
  { page: 'outbound', title: (t) => t.outbound, for: ['SYSTEM_ADMIN', 'FACILITY_MANAGER', 'USER'] },
  { page: 'partners', title: (t) => t.partners, for: everyone },
  { page: 'faults', title: (t) => t.faults, for: everyone },
  { page: 'audit', title: (t) => t.audit, for: ['SYSTEM_ADMIN'] },
  { page: 'emergency', title: (t) => t.emergency, for: everyone },
];

export function Shell({ me, route, children }: { me: Me; route: Route; children: ReactNode }) {
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
        {pages
          .filter((p) => p.for.includes(me.user.role))
          .map((p) => (
            <a key={p.page} href={href({ page: p.page })} aria-current={route.page === p.page ? 'page' : undefined}>
              {p.title(t)}
            </a>
          ))}
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
