// The partner registry's fields (Art. 20-2, 20-3). Thin: parse, call the service, map.
import { X509Certificate } from 'node:crypto';
import type { Partner as PartnerRow } from '../../../generated/prisma/client';
import { ourIdentifierSystems, ourJwksUrl } from '../../../lib/exchange/identifier-systems';
import { summarize } from '../../../lib/exchange/partner-ca';
import { appError } from '../../../lib/graphql-errors';
import { parseInput, text, uuid } from '../../../lib/input';
import type { IdentityContext } from '../context';
import { authorize } from '../services/access-guard';
import {
  currentClientCertificate,
  getPartner,
  listPartners,
  reactivatePartner,
  registerPartner,
  registerPartnerInput,
  renewPartnerClientCertificate,
  suspendPartner,
  updatePartner,
  updatePartnerInput,
} from './partner-service';

type Args = Record<string, unknown>;
const reason = text(500);

/** An omitted or null field means "unchanged" (so a field cannot be cleared to null through the graph). */
function definedOnly(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null) return {};
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
}

const certificateOf = (pem: string) => summarize(new X509Certificate(pem));

async function clientCertificateOf(partner: PartnerRow, ctx: IdentityContext) {
  if (partner.outboundAuth !== 'MTLS') return null;
  const credential = await currentClientCertificate(ctx.db, partner.id);
  return credential ? certificateOf(credential.certificatePem) : null;
}

export const PartnerQuery = {
  partners: (_: unknown, __: unknown, ctx: IdentityContext) => listPartners(ctx),
  partner: (_: unknown, args: Args, ctx: IdentityContext) => getPartner(ctx, parseInput(uuid, args.id, 'id')),
  exchangeIdentity: async (_: unknown, __: unknown, ctx: IdentityContext) => {
    await authorize(ctx, 'partner.manage', { type: 'ExchangeIdentity' });
    const exchange = ctx.exchange;
    if (!exchange || !exchange.fhirBaseUrl) throw appError('NOT_FOUND', 'this process has no exchange identity');
    const systems = ourIdentifierSystems(exchange.fhirBaseUrl);
    return {
      issuer: exchange.fhirBaseUrl,
      jwk: JSON.stringify(exchange.key.publicJwk),
      jwksUrl: ourJwksUrl(exchange.fhirBaseUrl),
      fhirBaseUrl: exchange.fhirBaseUrl,
      requestIdentifierSystem: systems.request,
      userIdentifierSystem: systems.user,
      networkCaCertificate: ctx.ca.caCertificatePem,
      partners: async () =>
        (await listPartners(ctx)).map((partner) => ({
          partner,
          clientId: partner.ourClientId,
          outboundAuth: partner.outboundAuth,
        })),
    };
  },
};

export const PartnerMutation = {
  registerPartner: (_: unknown, args: Args, ctx: IdentityContext) =>
    registerPartner(ctx, parseInput(registerPartnerInput, definedOnly(args.input), 'input')),
  updatePartner: (_: unknown, args: Args, ctx: IdentityContext) =>
    updatePartner(
      ctx,
      parseInput(uuid, args.id, 'id'),
      parseInput(updatePartnerInput, definedOnly(args.input), 'input'),
    ),
  suspendPartner: (_: unknown, args: Args, ctx: IdentityContext) =>
    suspendPartner(ctx, parseInput(uuid, args.id, 'id'), parseInput(reason, args.reason, 'reason')),
  reactivatePartner: (_: unknown, args: Args, ctx: IdentityContext) =>
    reactivatePartner(ctx, parseInput(uuid, args.id, 'id'), parseInput(reason, args.reason, 'reason')),
  renewPartnerClientCertificate: (_: unknown, args: Args, ctx: IdentityContext) =>
    renewPartnerClientCertificate(ctx, parseInput(uuid, args.id, 'id')),
};

export const Partner = {
  jwks: (partner: PartnerRow) => JSON.stringify(partner.jwks),
  caCertificates: (partner: PartnerRow) => partner.caCertificates.map(certificateOf),
  clientCertificate: (partner: PartnerRow, _: unknown, ctx: IdentityContext) => clientCertificateOf(partner, ctx),
  statusChangedBy: (partner: PartnerRow, _: unknown, ctx: IdentityContext) =>
    partner.statusChangedBy ? ctx.userById.load(partner.statusChangedBy) : null,
};

export const PartnerExchangeIdentity = {
  clientCertificate: (entry: { partner: PartnerRow }, _: unknown, ctx: IdentityContext) =>
    clientCertificateOf(entry.partner, ctx),
};
