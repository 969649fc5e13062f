// Faults and restrictions (Art. 22, Art. 23-1): the restriction in force, for
// everyone (and, for the system admin, putting one in force and lifting it);
// the form to report an anomaly, for everyone; the fault reports this person
// may see, newest first, those waiting for this person's step marked, with a
// status filter; one report at #/faults/<id>.
import { useState } from 'react';
import { FaultReportsDocument, type FaultStatus } from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { when } from '../decision';
import { LoadedView, Tabs, useLoaded } from '../loading';
import { FaultReport } from './fault';
import { ReportFault } from './report';
import { Restriction } from './restriction';
import { StatusBadge, viewerOf } from './status';
import { waitsFor } from './steps';
import { words } from './words';
import './faults.css';

type Filter = FaultStatus | 'ALL';

export function Faults({ me, id }: { me: Me; id?: string }) {
  return <div className="faults">{id ? <FaultReport me={me} id={id} /> : <FaultList me={me} />}</div>;
}

function FaultList({ me }: { me: Me }) {
  const session = useSession();
  const w = useWords(words);
  const [filter, setFilter] = useState<Filter>('ALL');
  const [reporting, setReporting] = useState(false);
  const loaded = useLoaded(
    async () => (await session.call(FaultReportsDocument, { status: filter === 'ALL' ? null : filter })).faultReports,
    [filter],
  );
  const role = me.user.role;
  const viewer = viewerOf(me);
  const lead = role === 'SYSTEM_ADMIN' ? w.leadAdmin : role === 'FACILITY_MANAGER' ? w.leadManager : w.leadUser;
  const filters: ReadonlyArray<readonly [Filter, string]> = [
    ['ALL', w.all],
    ...(['REPORTED', 'FORWARDED', 'INVESTIGATING', 'RESOLVED'] as const).map((s) => [s, w[s]] as const),
  ];

  return (
    <section aria-labelledby="faults-title">
      <h1 id="faults-title">{session.t.faults}</h1>
      <p className="lead">{lead}</p>
      <Restriction me={me} />

      <h2 id="fault-reports-title">{w.reports}</h2>
      {reporting ? (
        <ReportFault onCancel={() => setReporting(false)} />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setReporting(true)}>
            {w.report}
          </button>
        </div>
      )}
      <Tabs options={filters} value={filter} onChange={setFilter} />
      <LoadedView loaded={loaded} isEmpty={(rows) => rows.length === 0} emptyText={w.none}>
        {(rows) => (
          <table className="list" aria-labelledby="fault-reports-title">
            <thead>
              <tr>
                <th>{w.occurredAt}</th>
                <th>{w.summary}</th>
                <th>{w.reporter}</th>
                <th>{w.status}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const waiting = waitsFor(viewer, { status: row.status, facilityId: row.facility.id });
                return (
                  <tr key={row.id} data-fault={row.id} data-waiting={waiting || undefined}>
                    <td className="nowrap">{when(row.occurredAt, session.language)}</td>
                    <td>
                      <a href={href({ page: 'faults', id: row.id })}>{row.summary}</a>
                      {waiting && <span className="badge waiting">{w.waitingForYou}</span>}
                    </td>
                    <td>
                      {row.reportedBy.name}
                      <span className="muted">（{row.facility.name}）</span>
                    </td>
                    <td>
                      <StatusBadge status={row.status} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </LoadedView>
    </section>
  );
}
