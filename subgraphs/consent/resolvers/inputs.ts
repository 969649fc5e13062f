// The shapes of consent's arguments, checked at the boundary (lib/input);
// the rules that relate fields to each other and to today live in domain/.
import { z } from 'zod';
import { calendarDate, text, uuid } from '../../../lib/input';
import { consentPurposes, signatories } from '../domain/consent-form-rules';
import { legalBases } from '../domain/legal-exception-rules';
import { inputMessage } from '../../../lib/messages/input-issues';

export const consentInput = z.object({
  subjectId: uuid,
  explanation: z.object({ explainedOn: calendarDate }),
  signature: z.object({
    signedBy: z.enum(signatories),
    signerName: text(100).nullish(),
    relationship: text(50).nullish(),
    signedOn: calendarDate,
  }),
  purposes: z
    .array(z.enum(consentPurposes))
    .min(1, inputMessage({ en: 'Name at least one purpose of use.', ja: '利用目的を1つ以上指定してください。' })),
  scanReference: text(200).nullish(),
});

export const withdrawalReason = text(500);

export const legalExceptionInput = z.object({
  subjectId: uuid,
  basis: z.enum(legalBases),
  decidedBy: text(100),
  reason: text(1000),
  reviewOn: calendarDate,
});
