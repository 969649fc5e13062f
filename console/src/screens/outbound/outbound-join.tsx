// One outbound join request: what was asked (the share code is never shown
// again), the partner's answer, the history, and the steps this person may
// take: the facility manager confirms, the system admin approves or rejects,
// the requester withdraws. While the partner has not answered, the page reads
// the request again every few seconds.
import { useEffect } from 'react';
import {
  ApproveOutboundJoinDocument,
  ConfirmOutboundJoinDocument,
  OutboundJoinDetailDocument,
  RejectOutboundJoinDocument,
  WithdrawOutboundJoinDocument,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { History, StepButtons, StepOutcome, useStep, when } from '../decision';
import { BackLink, NotLoaded, useLoaded } from '../loading';
import { exchangeBadge, exchangeWord, statusBadge, underWay } from './format';
import { words } from './words';

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
  const loaded = useLoaded(
    async () => (await session.call(OutboundJoinDetailDocument, { id })).outboundJoinRequest,
    [id],
  );
  const { busy, problem, notice, act } = useStep(loaded.reload, w.done);
  const request = loaded.value;

  // Approved and not answered yet: the partner's answer arrives through the workers; read it again until it does.
  const waitingForPartner = request?.status === 'APPROVED' && underWay(request);
  useEffect(() => {
    if (!waitingForPartner) return;
    const timer = setInterval(() => void loaded.reload(), partnerPollMs);
    return () => clearInterval(timer);
  }, [waitingForPartner, id, session.language]);

  const back = { href: href({ page: 'outbound' }), label: w.back };
  if (!request) return <NotLoaded back={back} loaded={loaded} notFound={w.notFound} />;

  const role = me.user.role;
  const own = request.requestedBy.id === me.user.id;
  const canConfirm = role === 'FACILITY_MANAGER' && request.status === 'SUBMITTED';
  const canDecide = role === 'SYSTEM_ADMIN' && request.status === 'FORWARDED';
  const canWithdraw =
    own &&
    (request.status === 'SUBMITTED' ||
      request.status === 'FORWARDED' ||
      (request.status === 'APPROVED' && ['NOT_SENT', 'RECEIVED'].includes(request.exchangeStatus)));
  // Every role reads partners' names (partnerNames); the id stays beside the name.
  const named = names.get(request.partnerId);

  return (
    <section aria-labelledby="outbound-join-title" data-outbound-join={request.id}>
      <BackLink {...back} />
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
      <StepButtons
        busy={busy}
        act={act}
        steps={[
          { label: w.confirm, show: canConfirm, run: () => session.call(ConfirmOutboundJoinDocument, { id }) },
          { label: w.approve, show: canDecide, run: () => session.call(ApproveOutboundJoinDocument, { id }) },
          {
            label: w.withdraw,
            show: canWithdraw,
            secondary: true,
            confirm: w.confirmWithdraw,
            run: () => session.call(WithdrawOutboundJoinDocument, { id }),
          },
        ]}
        reject={{
          show: canDecide,
          label: w.reject,
          reasonLabel: w.rejectReason,
          confirm: w.confirmReject,
          cancel: w.cancel,
          maxLength: 1000,
          run: (reason) => session.call(RejectOutboundJoinDocument, { id, reason }),
        }}
      />
    </section>
  );
}
