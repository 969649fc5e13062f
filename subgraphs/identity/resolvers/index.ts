import type { Resolvers } from '../../../generated/graphql/identity-resolvers';
import { DateScalar, DateTimeScalar } from '../../../lib/scalars';
import { Application, ApplicationStep } from './application';
import { AuditEvent } from './audit-event';
import { FaultReport, FaultStep } from './fault-report';
import { CertificateExpiryNotice, ClientCertificate } from './client-certificate';
import { ExistenceCheck } from './existence-check';
import { DisclosedAccess, DisclosureReport } from './disclosure-report';
import { Facility } from './facility';
import { Mutation } from './mutation';
import {
  Partner,
  ExchangeIdentity,
  PartnerExchangeIdentity,
  PartnerMutation,
  PartnerQuery,
} from '../partners/partner-resolvers';
import { Query } from './query';
import { Subject } from './subject';
import { User } from './user';

export const resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: { ...Query, ...PartnerQuery },
  Mutation: { ...Mutation, ...PartnerMutation },
  Partner,
  ExchangeIdentity,
  PartnerExchangeIdentity,
  Facility,
  Subject,
  User,
  Application,
  ApplicationStep,
  ClientCertificate,
  CertificateExpiryNotice,
  AuditEvent,
  FaultReport,
  FaultStep,
  ExistenceCheck,
  DisclosureReport,
  DisclosedAccess,
} satisfies Resolvers;
