import type { Me } from '../../app';
import { useSession } from '../../session';

/** Not built yet: a placeholder so the navigation and addresses exist. */
export function Outbound({ me, id }: { me: Me; id?: string }) {
  const { t } = useSession();
  return (
    <section>
      <h1>{t.outbound}</h1>
      <p className="lead" data-user={me.user.id} data-id={id}>
        …
      </p>
    </section>
  );
}
