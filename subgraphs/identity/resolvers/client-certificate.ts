import type { ClientCertificate as CertificateRow } from '../../../generated/prisma/client';
import type { IdentityContext } from '../context';

export const ClientCertificate = {
  facility: (certificate: CertificateRow, _: unknown, ctx: IdentityContext) =>
    ctx.facilityById.load(certificate.facilityId),
};
