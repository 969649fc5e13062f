// Withdrawing an outbound join (Art. 20-3) after our approval: until the
// partner has decided. Before approval the one application workflow
// (lib/workflow) decides. Pure.
import type { OutboundExchangeStatus, OutboundJoinRequest } from '../../../../generated/prisma/client';
import type { UserPrincipal } from '../../../../lib/access/principal';
import { statusNames, type StepDecision } from '../../../../lib/workflow/application-workflow';

/** Where the partner stands with an approved request: before its decision (nothing sent yet, or it holds the Task undecided). */
export const undecidedAtPartner: readonly OutboundExchangeStatus[] = ['NOT_SENT', 'RECEIVED'];

/**
 * Withdrawal after our approval (before it, the one application workflow
 * decides). The requester may withdraw until the partner has decided, as the
 * exchange contract lets a requester cancel its Task only before a decision:
 * while the request is not sent yet or the partner holds it undecided.
 * Withdrawing then stops the send, and a Task the partner may already hold
 * is asked to be cancelled (outbound-join-cancel job). A partner's decision
 * (accepted, rejected, completed), its refusal or its cancellation ends the
 * right to withdraw; so does a partner that decides before our cancellation
 * reaches it, and the request then follows that decision. Pure.
 */
export function decideWithdrawalAfterApproval(
  request: Pick<OutboundJoinRequest, 'status' | 'exchangeStatus' | 'requestedBy'>,
  actor: Pick<UserPrincipal, 'userId' | 'role'>,
): StepDecision {
  if (actor.userId !== request.requestedBy)
    return {
      ok: false,
      code: 'FORBIDDEN',
      reason: {
        en: 'Only the person who asked to join may withdraw this request.',
        ja: 'この参加希望を取り下げられるのは、希望した本人だけです。',
      },
    };
  if (request.status !== 'APPROVED') {
    const status = statusNames[request.status];
    return {
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      reason: {
        en: `This request is ${status.en}, so it cannot be withdrawn now.`,
        ja: `この申請は${status.ja}のため、今は取り下げられません。`,
      },
    };
  }
  if (!undecidedAtPartner.includes(request.exchangeStatus)) {
    return {
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      reason: {
        en: `The partner has already answered the request (${request.exchangeStatus}), so it can no longer be withdrawn.`,
        ja: `他団体のシステムがすでに回答しているため（${request.exchangeStatus}）、取り下げられません。`,
      },
    };
  }
  return { ok: true, next: 'WITHDRAWN', copyToSystemAdmin: false };
}
