// Our users joining partners' rooms (Art. 20-3): the requests this person may
// see, the next step waiting first (the user's own under way, the facility
// manager's to confirm, the system admin's to approve); a user's form to ask;
// one request with what was asked, its history and the partner's answer; and,
// for the system admin, the exchange's jobs that stopped.
import { useEffect, useState } from 'react';
import { OutboundJoinListDocument, type OutboundJoinListQuery } from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { when } from '../decision';
import { usePartnerNames, type PartnerName } from '../partners/names';
import { AskOutboundJoin } from './ask';
import { DeadLetters } from './dead-letters';
import { OutboundJoin } from './outbound-join';
import { exchangeBadge, exchangeWord, partnerLabel, statusBadge, waitsFor } from './format';
import { words } from './words';
import './outbound.css';

type Row = OutboundJoinListQuery['outboundJoinRequests'][number];

export function Outbound({ me, id }: { me: Me; id?: string }) {
  const partners = usePartnerNames();
  const names = new Map((partners ?? []).map((p) => [p.id, p.name]));
  return (
    <div className="outbound">
      {id ? (
        <OutboundJoin me={me} id={id} names={names} />
      ) : (
        <OutboundJoinList me={me} names={names} partners={partners} />
      )}
    </div>
  );
}

function OutboundJoinList({
  me,
  names,
  partners,
}: {
  me: Me;
  names: ReadonlyMap<string, string>;
  partners: readonly PartnerName[] | null;
}) {
  const session = useSession();
  const w = useWords(words);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const role = me.user.role;

  useEffect(() => {
    let live = true;
    setRows(null);
    setProblem(null);
    session
      .call(OutboundJoinListDocument, { status: null })
      .then((data) => live && setRows(data.outboundJoinRequests))
      .catch((error: unknown) => live && setProblem(error instanceof GraphError ? error.message : String(error)));
    return () => {
      live = false;
    };
  }, [session.language]);

  const mine = (row: Row) => waitsFor(role, me.user.id, row);
  // Waiting for this person first; newest first within each (the graph's order).
  const sorted = rows && [...rows.filter(mine), ...rows.filter((row) => !mine(row))];
  const lead = role === 'SYSTEM_ADMIN' ? w.leadAdmin : role === 'FACILITY_MANAGER' ? w.leadManager : w.leadUser;

  return (
    <section aria-labelledby="outbound-title">
      <h1 id="outbound-title">{w.title}</h1>
      <p className="lead">{lead}</p>
      {role === 'USER' && !asking && (
        <div className="actions">
          <button type="button" onClick={() => setAsking(true)}>
            {w.ask}
          </button>
        </div>
      )}
      {asking && <AskOutboundJoin partners={partners} onCancel={() => setAsking(false)} />}
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {!problem && sorted === null && <p className="loading">{session.t.loading}</p>}
      {sorted !== null && sorted.length === 0 && <p className="empty">{w.none}</p>}
      {sorted !== null && sorted.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th>{w.submittedAt}</th>
              <th>{w.partner}</th>
              <th>{w.requester}</th>
              <th>{w.status}</th>
              <th>{w.exchangeStatus}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((row) => (
              <tr key={row.id} data-outbound-join={row.id} data-waiting={mine(row) || undefined}>
                <td>
                  <a href={href({ page: 'outbound', id: row.id })}>{when(row.submittedAt, session.language)}</a>
                  {mine(row) && role !== 'USER' && <span className="badge submitted waiting">{w.waitingForYou}</span>}
                </td>
                <td title={row.partnerId}>{partnerLabel(names, row.partnerId)}</td>
                <td>
                  {row.requestedBy.name}
                  {row.requestedBy.facility && <span className="muted">（{row.requestedBy.facility.name}）</span>}
                </td>
                <td>
                  <span className={`badge ${statusBadge[row.status]}`}>{w[row.status]}</span>
                </td>
                <td>
                  {row.status === 'APPROVED' ? (
                    <span className={`badge ${exchangeBadge[row.exchangeStatus]}`}>
                      {w[exchangeWord(row.exchangeStatus)]}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {role === 'SYSTEM_ADMIN' && <DeadLetters />}
    </section>
  );
}
