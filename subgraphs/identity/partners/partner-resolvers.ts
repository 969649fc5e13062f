// The partner registry's fields (Art. 20-2, 20-3). Thin: parse, call the service, map.
import { X509Certificate } from 'node:crypto';
import type { Partner as PartnerRow } from '../../../generated/prisma/client';
import { ourIdentifierSystems, ourJwksUrl, ourTokenUrl } from '../../../lib/exchange/identifier-systems';
import { summarize } from '../../../lib/exchange/partner-ca';
import { appError } from '../../../lib/graphql-errors';
import { parseInput, text, uuid } from '../../../lib/input';
import type { IdentityContext } from '../context';
import type {
  ExchangeIdentityResolvers,
  MutationResolvers,
  PartnerExchangeIdentityResolvers,
  PartnerResolvers,
  QueryResolvers,
} from '../../../generated/graphql/identity-resolvers';
import { authorize } from '../services/access-guard';
import {
  currentClientCertificate,
  getPartner,
  listPartnerNames,
  listPartners,
  reactivatePartner,
  registerPartner,
  registerPartnerInput,
  renewPartnerClientCertificate,
  suspendPartner,
  updatePartner,
  updatePartnerInput,
} from './partner-service';

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
  partners: (_, __, ctx) => listPartners(ctx),
  partner: (_, args, ctx) => getPartner(ctx, parseInput(uuid, args.id, 'id')),
  partnerNames: (_, args, ctx) => listPartnerNames(ctx, args.includeSuspended === true),
  exchangeIdentity: async (_, __, ctx) => {
    await authorize(ctx, 'partner.manage', { type: 'ExchangeIdentity' });
    const exchange = ctx.exchange;
    if (!exchange || !exchange.fhirBaseUrl)
      throw appError('NOT_FOUND', {
        en: 'This process has no exchange identity. Ask the system administrator to set FHIR_BASE_URL.',
        ja: 'このプロセスには連携用の識別情報がありません。システム管理者に FHIR_BASE_URL の設定を依頼してください。',
      });
    const systems = ourIdentifierSystems(exchange.fhirBaseUrl);
    return {
      issuer: exchange.fhirBaseUrl,
      jwk: JSON.stringify(exchange.key.publicJwk),
      jwksUrl: ourJwksUrl(exchange.fhirBaseUrl),
      assertionJwk: exchange.assertionKey ? JSON.stringify(exchange.assertionKey.publicJwk) : null,
      tokenUrl: ourTokenUrl(exchange.fhirBaseUrl),
      fhirBaseUrl: exchange.fhirBaseUrl,
      requestIdentifierSystem: systems.request,
      userIdentifierSystem: systems.user,
      networkCaCertificate: ctx.ca.caCertificatePem,
    };
  },
} satisfies QueryResolvers;

export const ExchangeIdentity = {
  partners: async (_, __, ctx) =>
    (await listPartners(ctx)).map((partner) => ({
      partner,
      clientId: partner.ourClientId,
      outboundAuth: partner.outboundAuth,
    })),
} satisfies ExchangeIdentityResolvers;

export const PartnerMutation = {
  registerPartner: (_, args, ctx) =>
    registerPartner(ctx, parseInput(registerPartnerInput, definedOnly(args.input), 'input')),
  updatePartner: (_, args, ctx) =>
    updatePartner(
      ctx,
      parseInput(uuid, args.id, 'id'),
      parseInput(updatePartnerInput, definedOnly(args.input), 'input'),
    ),
  suspendPartner: (_, args, ctx) =>
    suspendPartner(ctx, parseInput(uuid, args.id, 'id'), parseInput(reason, args.reason, 'reason')),
  reactivatePartner: (_, args, ctx) =>
    reactivatePartner(ctx, parseInput(uuid, args.id, 'id'), parseInput(reason, args.reason, 'reason')),
  renewPartnerClientCertificate: (_, args, ctx) => renewPartnerClientCertificate(ctx, parseInput(uuid, args.id, 'id')),
} satisfies MutationResolvers;

export const Partner = {
  jwks: (partner) => JSON.stringify(partner.jwks),
  caCertificates: (partner) => partner.caCertificates.map(certificateOf),
  clientCertificate: (partner, _, ctx) => clientCertificateOf(partner, ctx),
  statusChangedBy: (partner, _, ctx) => (partner.statusChangedBy ? ctx.userById.load(partner.statusChangedBy) : null),
} satisfies PartnerResolvers;

export const PartnerExchangeIdentity = {
  clientCertificate: (entry, _, ctx) => clientCertificateOf(entry.partner, ctx),
} satisfies PartnerExchangeIdentityResolvers;
