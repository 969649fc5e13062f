import type {
  CertificateExpiryNoticeResolvers,
  ClientCertificateResolvers,
} from '../../../generated/graphql/identity-resolvers';
import { nonNull } from '../../../lib/invariants';

export const ClientCertificate = {
  facility: (certificate, _, ctx) => nonNull(ctx.facilityById.load(certificate.facilityId)),
} satisfies ClientCertificateResolvers;

export const CertificateExpiryNotice = {
  certificate: (notice, _, ctx) =>
    notice.certificateId ? ctx.db.clientCertificate.findUnique({ where: { id: notice.certificateId } }) : null,
} satisfies CertificateExpiryNoticeResolvers;
