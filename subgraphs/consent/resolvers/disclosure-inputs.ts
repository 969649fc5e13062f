// The shapes of the disclosure arguments, checked at the boundary
// (lib/input); the rules relating fields to each other and to today live in
// services/disclosure-rules.ts.
import { z } from 'zod';
import { calendarDate, pageArgs, text, uuid } from '../../../lib/input';
import { disclosureFormats } from '../services/disclosure-export-service';
import { disclosureParts, disclosureRequesters, withholdingGrounds } from '../domain/disclosure-rules';

export const disclosureRequestInput = z.object({
  subjectId: uuid,
  requestedBy: z.enum(disclosureRequesters),
  requesterName: text(100).nullish(),
  relationship: text(50).nullish(),
  receivedVia: text(200),
  receivedOn: calendarDate,
});

export const withholdInput = z.object({
  part: z.enum(disclosureParts),
  ground: z.enum(withholdingGrounds),
  reason: text(1000),
});

export const disclosureFormat = z.enum(disclosureFormats);

export const listDisclosureRequestsArgs = pageArgs(100).extend({ subjectId: uuid.nullish() });
