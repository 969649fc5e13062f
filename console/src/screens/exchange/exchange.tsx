// Partners' requests to join our rooms (Art. 20-2): waiting ones first, one
// request with what the partner sent (who, from where, why, the consent it
// carried) and its history, and the room manager's decision.
import { useState } from 'react';
import {
  ApproveInboundJoinDocument,
  InboundJoinDetailDocument,
  InboundJoinListDocument,
  RejectInboundJoinDocument,
  type InboundJoinListQuery,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { History, StepButtons, StepOutcome, useStep, when } from '../decision';
import { BackLink, LoadedView, NotLoaded, Tabs, useLoaded } from '../loading';
import { words } from './words';

type Row = InboundJoinListQuery['inboundJoinRequests'][number];

export function Exchange({ id }: { me: Me; id?: string }) {
  if (id) return <InboundJoin id={id} />;
  return <InboundJoinList />;
}

function InboundJoinList() {
  const session = useSession();
  const w = useWords(words);
  const [filter, setFilter] = useState<'waiting' | 'all'>('waiting');
  const rows = useLoaded(
    async () =>
      (await session.call(InboundJoinListDocument, { status: filter === 'waiting' ? 'PENDING' : null }))
        .inboundJoinRequests,
    [filter],
  );

  return (
    <section aria-labelledby="exchange-title">
      <h1 id="exchange-title">{w.title}</h1>
      <p className="lead">{w.lead}</p>
      <Tabs
        options={[
          ['waiting', w.waiting],
          ['all', w.all],
        ]}
        value={filter}
        onChange={setFilter}
      />
      <LoadedView loaded={rows} isEmpty={(r) => r.length === 0} emptyText={w.none}>
        {(list) => (
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
              {list.map((row) => (
                <tr key={row.id} data-inbound-join={row.id}>
                  <td>
                    <a href={href({ page: 'exchange', id: row.id })}>{when(row.receivedAt, session.language)}</a>
                  </td>
                  <td>{row.room.title}</td>
                  <td>
                    {row.practitionerName} <span className="muted">（{row.organizationName}）</span>
                  </td>
                  <td>
                    <StatusBadge status={row.status} w={w} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
    </section>
  );
}

function StatusBadge({ status, w }: { status: Row['status']; w: (typeof words)['ja'] }) {
  return (
    <span className={`badge ${status === 'PENDING' ? 'submitted' : status.toLowerCase()}`} data-status={status}>
      {w[status]}
    </span>
  );
}

function InboundJoin({ id }: { id: string }) {
  const session = useSession();
  const w = useWords(words);
  const loaded = useLoaded(
    async () => (await session.call(InboundJoinDetailDocument, { id })).inboundJoinRequest,
    [id],
  );
  const { busy, problem, notice, act } = useStep(loaded.reload, w.done);
  const back = { href: href({ page: 'exchange' }), label: w.back };
  const request = loaded.value;
  if (!request) return <NotLoaded back={back} loaded={loaded} notFound={w.notFound} />;
  const consent = request.consentBasis;

  return (
    <section aria-labelledby="inbound-join-title" data-inbound-join={request.id}>
      <BackLink {...back} />
      <h1 id="inbound-join-title">
        {request.practitionerName}（{request.organizationName}）
      </h1>
      <p className="lead">
        <StatusBadge status={request.status} w={w} />
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
      <StepButtons
        busy={busy}
        act={act}
        steps={[
          {
            label: w.approve,
            show: request.status === 'PENDING',
            run: () => session.call(ApproveInboundJoinDocument, { id }),
          },
        ]}
        reject={{
          show: request.status === 'PENDING',
          label: w.reject,
          reasonLabel: w.rejectReason,
          confirm: w.confirmReject,
          cancel: w.cancel,
          maxLength: 1000,
          run: (reason) => session.call(RejectInboundJoinDocument, { id, reason }),
        }}
      />
    </section>
  );
}
