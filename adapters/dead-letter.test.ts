import { UnrecoverableError } from 'bullmq';
import { errorFacts, isDead } from './dead-letter';
import { PartnerCallError } from './partner/partner-client';

const job = (attemptsMade: number, attempts = 4) => ({ attemptsMade, opts: { attempts } });

describe('dead letters', () => {
  it('are written after the last attempt only', () => {
    expect(isDead(job(3), new Error('x'))).toBe(false);
    expect(isDead(job(4), new Error('x'))).toBe(true);
  });

  it('are written at once for an unrecoverable failure, but never for a contract refusal (the partner answered)', () => {
    expect(isDead(job(1), new UnrecoverableError('PARTNER_UNAVAILABLE: suspended'))).toBe(true);
    const refusal = new UnrecoverableError('refused');
    refusal.name = 'ContractRefusal';
    expect(isDead(job(4), refusal)).toBe(false);
  });

  it('keep a stable code and a summary, and nothing of a library error but its kind', () => {
    expect(
      errorFacts(new PartnerCallError('HTTP_503', 'the partner answered HTTP 503', true, { status: 503 })),
    ).toEqual({ errorCode: 'HTTP_503', errorSummary: 'the partner answered HTTP 503' });
    // The code as logged and recorded on the request, whatever the status; the summary names the operation.
    expect(
      errorFacts(
        new PartnerCallError(
          'NOT_FHIR',
          'the partner answered HTTP 200 with a body that is not JSON, not a Task',
          true,
          { status: 200, operation: 'create-task' },
        ),
      ),
    ).toEqual({
      errorCode: 'NOT_FHIR',
      errorSummary: 'create-task: the partner answered HTTP 200 with a body that is not JSON, not a Task',
    });
    expect(errorFacts(new PartnerCallError('TIMEOUT', 'the partner did not answer in time', true))).toMatchObject({
      errorCode: 'TIMEOUT',
    });
    expect(
      errorFacts(new UnrecoverableError('PARTNER_UNAVAILABLE: the partner is unknown or suspended')).errorCode,
    ).toBe('PARTNER_UNAVAILABLE');
    const leaky = new TypeError('invalid input: 高岡 太郎 1940-04-01');
    expect(errorFacts(leaky)).toEqual({
      errorCode: 'TypeError',
      errorSummary: 'TypeError; see the worker log for job details',
    });
  });
});
