// One outbound join request: what was asked (the share code is never shown
// again), the partner's answer, the history, and the steps this person may
// take: the facility manager confirms, the system admin approves or rejects,
// the requester withdraws. While the partner has not answered, the page reads
// the request again every few seconds.
import { useEffect, useState } from 'react';
import {
  ApproveOutboundJoinDocument,
  ConfirmOutboundJoinDocument,
  OutboundJoinDetailDocument,
  RejectOutboundJoinDocument,
  WithdrawOutboundJoinDocument,
  type OutboundJoinDetailQuery,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { History, RejectForm, StepOutcome, useStep, when } from '../decision';
import { exchangeBadge, exchangeWord, statusBadge, underWay } from './format';
import { words } from './words';

type Detail = NonNullable<OutboundJoinDetailQuery['outboundJoinRequest']>;

/** How often the page reads a request the partner has yet to answer. */
const partnerPollMs = 4_000;

/** A step's action as the history names it (some share a key with a button). */
const stepKey: Record<string, keyof typeof words.ja> = {
  approve: 'approveStep',
  reject: 'rejectStep',
  withdraw: 'withdrawStep',
};

export function OutboundJoin({ me, id, names }: { me: Me; id: string; names: ReadonlyMap<string, string> }) {
  const session = useSession();
  const w = useWords(words);
  const [request, setRequest] = useState<Detail | null | undefined>(undefined);
  const [rejecting, setRejecting] = useState(false);
  const load = async () => setRequest((await session.call(OutboundJoinDetailDocument, { id })).outboundJoinRequest);
  const { busy, problem, notice, setProblem, act } = useStep(load, w.done);

  useEffect(() => {
    setRequest(undefined);
    load().catch((error: unknown) => setProblem(error instanceof GraphError ? error.message : String(error)));
  }, [id, session.language]);

  // Approved and not answered yet: the partner's answer arrives through the workers; read it again until it does.
  const waitingForPartner = request?.status === 'APPROVED' && underWay(request);
  useEffect(() => {
    if (!waitingForPartner) return;
    const timer = setInterval(() => void load().catch(() => undefined), partnerPollMs);
    return () => clearInterval(timer);
  }, [waitingForPartner, id, session.language]);

  const back = (
    <p>
      <a href={href({ page: 'outbound' })}>← {w.back}</a>
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

  const role = me.user.role;
  const own = request.requestedBy.id === me.user.id;
  const canConfirm = role === 'FACILITY_MANAGER' && request.status === 'SUBMITTED';
  const canDecide = role === 'SYSTEM_ADMIN' && request.status === 'FORWARDED';
  const canWithdraw =
    own &&
    (request.status === 'SUBMITTED' ||
      request.status === 'FORWARDED' ||
      (request.status === 'APPROVED' && ['NOT_SENT', 'RECEIVED'].includes(request.exchangeStatus)));
  // Only the system admin reads the registry: the others know the partner by its id.
  const named = names.get(request.partnerId);

  return (
    <section aria-labelledby="outbound-join-title" data-outbound-join={request.id}>
      {back}
      <h1 id="outbound-join-title">
        {w.requestTitle}
        {named && <span className="muted">（{named}）</span>}
      </h1>
      <p className="lead status-line">
        <span className={`badge ${statusBadge[request.status]}`} data-status={request.status}>
          {w[request.status]}
        </span>
        {request.status === 'APPROVED' && (
          <>
            {' '}
            {w.exchangeStatus}:{' '}
            <span
              className={`badge ${exchangeBadge[request.exchangeStatus]}`}
              data-exchange-status={request.exchangeStatus}
            >
              {w[exchangeWord(request.exchangeStatus)]}
            </span>
          </>
        )}
      </p>
      <dl className="fields">
        <dt>{w.partner}</dt>
        <dd>
          {named && <>{named} </>}
          <span className={named ? 'code muted' : 'code'}>{request.partnerId}</span>
        </dd>
        <dt>{w.shareCode}</dt>
        <dd className="muted">{w.shareCodeHidden}</dd>
        <dt>{w.reason}</dt>
        <dd>{request.reason}</dd>
        <dt>{w.requester}</dt>
        <dd>
          {request.requestedBy.name}
          {request.requestedBy.facility && <span className="muted">（{request.requestedBy.facility.name}）</span>}
        </dd>
        <dt>{w.submittedAt}</dt>
        <dd>{when(request.submittedAt, session.language)}</dd>
        {request.decisionReason && (
          <>
            <dt>{w.decisionReason}</dt>
            <dd>{request.decisionReason}</dd>
          </>
        )}
      </dl>
      <h2>{w.exchangeStatus}</h2>
      <dl className="fields" data-partner-answer>
        <dt>{w.status}</dt>
        <dd>
          {request.status === 'APPROVED' || request.exchangeStatus !== 'NOT_SENT'
            ? w[exchangeWord(request.exchangeStatus)]
            : w.notYet}
        </dd>
        {request.exchangeReason && (
          <>
            <dt>{w.exchangeReason}</dt>
            <dd>{request.exchangeReason}</dd>
          </>
        )}
        {request.sentAt && (
          <>
            <dt>{w.sentAt}</dt>
            <dd>{when(request.sentAt, session.language)}</dd>
          </>
        )}
        {request.partnerTaskId && (
          <>
            <dt>{w.partnerTaskId}</dt>
            <dd className="code">{request.partnerTaskId}</dd>
          </>
        )}
        {request.lastFailureCode && request.lastFailureAt && (
          <>
            <dt>{w.lastFailure}</dt>
            <dd>
              <span className="code">{request.lastFailureCode}</span>（{when(request.lastFailureAt, session.language)}）
            </dd>
          </>
        )}
      </dl>
      <h2>{w.history}</h2>
      <History
        steps={request.steps.map((step) => ({
          ...step,
          // The partner or the system took the step: named as such, not as a person.
          actor: step.actor ?? { name: step.actorRole === 'PARTNER' ? w.partnerActor : w.systemActor },
          actorRole: step.actor ? step.actorRole : '',
        }))}
        stepName={(action) => {
          const key = stepKey[action] ?? action;
          return key in w ? w[key as keyof typeof w] : action;
        }}
      />
      <StepOutcome problem={problem} notice={notice} />
      {!rejecting && (canConfirm || canDecide || canWithdraw) && (
        <div className="actions">
          {canConfirm && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void act(() => session.call(ConfirmOutboundJoinDocument, { id }))}
            >
              {w.confirm}
            </button>
          )}
          {canDecide && (
            <>
              <button
                type="button"
                disabled={busy}
                onClick={() => void act(() => session.call(ApproveOutboundJoinDocument, { id }))}
              >
                {w.approve}
              </button>
              <button type="button" className="secondary danger" disabled={busy} onClick={() => setRejecting(true)}>
                {w.reject}
              </button>
            </>
          )}
          {canWithdraw && (
            <button
              type="button"
              className="secondary danger"
              disabled={busy}
              onClick={() =>
                confirm(w.confirmWithdraw) && void act(() => session.call(WithdrawOutboundJoinDocument, { id }))
              }
            >
              {w.withdraw}
            </button>
          )}
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
            void act(() => session.call(RejectOutboundJoinDocument, { id, reason })).then(
              (done) => done && setRejecting(false),
            )
          }
        />
      )}
    </section>
  );
}
