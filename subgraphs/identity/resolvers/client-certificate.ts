import type { ClientCertificateResolvers } from '../../../generated/graphql/identity-resolvers';
import { nonNull } from '../../../lib/invariants';

export const ClientCertificate = {
  facility: (certificate, _, ctx) => nonNull(ctx.facilityById.load(certificate.facilityId)),
} satisfies ClientCertificateResolvers;
