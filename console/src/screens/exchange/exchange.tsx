// Partners' requests to join our rooms (Art. 20-2): waiting ones first, one
// request with what the partner sent (who, from where, why, the consent it
// carried) and its history, and the room manager's decision.
import { useEffect, useState } from 'react';
import {
  ApproveInboundJoinDocument,
  InboundJoinDetailDocument,
  InboundJoinListDocument,
  RejectInboundJoinDocument,
  type InboundJoinDetailQuery,
  type InboundJoinListQuery,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { History, RejectForm, StepOutcome, useStep, when } from '../decision';
import { words } from './words';

type Row = InboundJoinListQuery['inboundJoinRequests'][number];
type Detail = NonNullable<InboundJoinDetailQuery['inboundJoinRequest']>;

export function Exchange({ id }: { me: Me; id?: string }) {
  if (id) return <InboundJoin id={id} />;
  return <InboundJoinList />;
}

function InboundJoinList() {
  const session = useSession();
  const w = useWords(words);
  const [filter, setFilter] = useState<'waiting' | 'all'>('waiting');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setRows(null);
    setProblem(null);
    session
      .call(InboundJoinListDocument, { status: filter === 'waiting' ? 'PENDING' : null })
      .then((data) => live && setRows(data.inboundJoinRequests))
      .catch((error: unknown) => live && setProblem(error instanceof GraphError ? error.message : String(error)));
    return () => {
      live = false;
    };
  }, [filter, session.language]);

  return (
    <section aria-labelledby="exchange-title">
      <h1 id="exchange-title">{w.title}</h1>
      <p className="lead">{w.lead}</p>
      <div className="tabs" role="tablist">
        {(['waiting', 'all'] as const).map((f) => (
          <button
            key={f}
            type="button"
            role="tab"
            aria-selected={filter === f}
            className={filter === f ? 'tab current' : 'tab'}
            onClick={() => setFilter(f)}
          >
            {w[f]}
          </button>
        ))}
      </div>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {!problem && rows === null && <p className="loading">{session.t.loading}</p>}
      {rows !== null && rows.length === 0 && <p className="empty">{w.none}</p>}
      {rows !== null && rows.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th>{w.receivedAt}</th>
              <th>{w.room}</th>
              <th>{w.practitioner}</th>
              <th>{w.status}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-inbound-join={row.id}>
                <td>
                  <a href={href({ page: 'exchange', id: row.id })}>{when(row.receivedAt, session.language)}</a>
                </td>
                <td>{row.room.title}</td>
                <td>
                  {row.practitionerName} <span className="muted">（{row.organizationName}）</span>
                </td>
                <td>
                  <span className={`badge ${row.status === 'PENDING' ? 'submitted' : row.status.toLowerCase()}`}>
                    {w[row.status]}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function InboundJoin({ id }: { id: string }) {
  const session = useSession();
  const w = useWords(words);
  const [request, setRequest] = useState<Detail | null | undefined>(undefined);
  const [rejecting, setRejecting] = useState(false);
  const load = async () => setRequest((await session.call(InboundJoinDetailDocument, { id })).inboundJoinRequest);
  const { busy, problem, notice, setProblem, act } = useStep(load, w.done);

  useEffect(() => {
    setRequest(undefined);
    load().catch((error: unknown) => setProblem(error instanceof GraphError ? error.message : String(error)));
  }, [id, session.language]);

  const back = (
    <p>
      <a href={href({ page: 'exchange' })}>← {w.back}</a>
    </p>
  );
  if (request === undefined && !problem) return <p className="loading">{session.t.loading}</p>;
  if (!request)
    return (
      <section>
        {back}
        <p role="alert" className="problem">
          {problem ?? w.notFound}
        </p>
      </section>
    );
  const consent = request.consentBasis;

  return (
    <section aria-labelledby="inbound-join-title" data-inbound-join={request.id}>
      {back}
      <h1 id="inbound-join-title">
        {request.practitionerName}（{request.organizationName}）
      </h1>
      <p className="lead">
        <span
          className={`badge ${request.status === 'PENDING' ? 'submitted' : request.status.toLowerCase()}`}
          data-status={request.status}
        >
          {w[request.status]}
        </span>
      </p>
      <dl className="fields">
        <dt>{w.room}</dt>
        <dd>
          <a href={href({ page: 'rooms', id: request.room.id })}>{request.room.title}</a>
        </dd>
        <dt>{w.reason}</dt>
        <dd>{request.reason}</dd>
        <dt>{w.requester}</dt>
        <dd>{request.requesterName ?? '—'}</dd>
        <dt>{w.identifiers}</dt>
        <dd className="code">{[request.practitionerIdentifier, ...request.organizationIdentifiers].join(' / ')}</dd>
        <dt>{w.receivedAt}</dt>
        <dd>{when(request.receivedAt, session.language)}</dd>
        {request.decidedAt && (
          <>
            <dt>{w.decidedAt}</dt>
            <dd>{when(request.decidedAt, session.language)}</dd>
          </>
        )}
        {request.decisionReason && (
          <>
            <dt>{w.decisionReason}</dt>
            <dd>{request.decisionReason}</dd>
          </>
        )}
      </dl>
      <h2>{w.consent}</h2>
      {consent ? (
        <dl className="fields" data-consent>
          <dt>{w.consenter}</dt>
          <dd>
            {consent.consenter}
            {consent.relationship && `（${consent.relationship}）`}
          </dd>
          <dt>{w.consentDate}</dt>
          <dd>{consent.date}</dd>
          <dt>{w.purposes}</dt>
          <dd>{consent.purposes.join('、')}</dd>
        </dl>
      ) : (
        <p className="muted">{w.consentNone}</p>
      )}
      <h2>{w.history}</h2>
      <History
        steps={request.history.map((step) => ({
          ...step,
          // The partner or the system took the step: named as such, not as a person.
          actor: step.actor ?? { name: step.actorRole.startsWith('PARTNER') ? w.partner : w.system },
          actorRole: step.actor ? step.actorRole : '',
        }))}
        stepName={(action) => (action in w ? w[action as keyof typeof w] : action)}
      />
      <StepOutcome problem={problem} notice={notice} />
      {request.status === 'PENDING' && !rejecting && (
        <div className="actions">
          <button
            type="button"
            disabled={busy}
            onClick={() => void act(() => session.call(ApproveInboundJoinDocument, { id }))}
          >
            {w.approve}
          </button>
          <button type="button" className="secondary danger" disabled={busy} onClick={() => setRejecting(true)}>
            {w.reject}
          </button>
        </div>
      )}
      {rejecting && (
        <RejectForm
          label={w.rejectReason}
          confirm={w.confirmReject}
          cancel={w.cancel}
          maxLength={1000}
          busy={busy}
          onCancel={() => setRejecting(false)}
          onReject={(reason) =>
            void act(() => session.call(RejectInboundJoinDocument, { id, reason })).then(
              (done) => done && setRejecting(false),
            )
          }
        />
      )}
    </section>
  );
}
