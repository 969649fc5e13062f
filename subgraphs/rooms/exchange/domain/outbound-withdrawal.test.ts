import type { OutboundExchangeStatus } from '../../../../generated/prisma/client';
import { decideWithdrawalAfterApproval } from './outbound-withdrawal';

describe('withdrawing an outbound join after our approval', () => {
  const requester = { userId: 'u-1', role: 'USER' as const };
  const request = (exchangeStatus: OutboundExchangeStatus) => ({
    status: 'APPROVED' as const,
    exchangeStatus,
    requestedBy: 'u-1',
  });

  it('the requester may, while the partner has not answered (not sent yet, or holding the Task undecided)', () => {
    for (const status of ['NOT_SENT', 'RECEIVED'] as const)
      expect(decideWithdrawalAfterApproval(request(status), requester)).toEqual({
        ok: true,
        next: 'WITHDRAWN',
        copyToSystemAdmin: false,
      });
  });

  it('not once the partner has answered: accepted, rejected, completed, cancelled or refused', () => {
    for (const status of ['ACCEPTED', 'REJECTED', 'COMPLETED', 'CANCELLED', 'REFUSED'] as const) {
      expect(decideWithdrawalAfterApproval(request(status), requester)).toMatchObject({
        ok: false,
        code: 'ILLEGAL_TRANSITION',
        reason: { en: expect.stringContaining(status), ja: expect.stringContaining(status) },
      });
    }
  });

  it('nobody but the requester (not the system admin either), checked before the state', () => {
    expect(decideWithdrawalAfterApproval(request('RECEIVED'), { userId: 'sa', role: 'SYSTEM_ADMIN' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(decideWithdrawalAfterApproval({ ...request('COMPLETED'), requestedBy: 'other' }, requester)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(decideWithdrawalAfterApproval({ ...request('RECEIVED'), status: 'REJECTED' }, requester)).toMatchObject({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
    });
  });
});
