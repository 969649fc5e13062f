// The system administrator's audit screen: the rooms' and consent's
// hash-chained access records verified on demand, identity's audit trail,
// and the disclosure requests of appendix 5 (one at #/audit/<id>). The nav
// offers it to the system administrator only, but the graph decides: the
// screen opens with the audit trail's first page, and when the graph refuses
// it, its refusal is all the screen shows.
import { useState } from 'react';
import { AuditTrailDocument } from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { useSession, useWords } from '../../session';
import { Tabs, useLoaded } from '../loading';
import { ChainsPanel, useChains } from './chains';
import { DisclosureDetail } from './disclosure';
import { DisclosurePanel } from './disclosures';
import { TrailPanel, trailPageSize } from './trail';
import { words } from './words';
import './audit.css';

type Tab = 'chains' | 'trail' | 'disclosure';

/** The tab last open, so that coming back from a request's page shows the list again. */
let lastTab: Tab = 'chains';

export function Audit({ me, id }: { me: Me; id?: string }) {
  return <div className="audit">{id ? <DisclosureDetail me={me} id={id} /> : <AuditHome />}</div>;
}

function AuditHome() {
  const session = useSession();
  const w = useWords(words);
  const [tab, setTab] = useState<Tab>(lastTab);
  const chains = useChains();
  const first = useLoaded(() => session.call(AuditTrailDocument, { first: trailPageSize }), []);

  if (first.problem)
    return (
      <p role="alert" className="problem">
        {first.problem}
      </p>
    );
  if (first.value === undefined) return <p className="loading">{session.t.loading}</p>;

  function open(next: Tab) {
    lastTab = next;
    setTab(next);
  }

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{w.title}</h1>
      <p className="lead">{w.lead}</p>
      <Tabs
        options={[
          ['chains', w.tabChains],
          ['trail', w.tabTrail],
          ['disclosure', w.tabDisclosure],
        ]}
        value={tab}
        onChange={open}
      />
      {tab === 'chains' && <ChainsPanel chains={chains} />}
      {tab === 'trail' && <TrailPanel first={first.value.auditEvents} />}
      {tab === 'disclosure' && <DisclosurePanel />}
    </section>
  );
}
