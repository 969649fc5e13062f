import type { Resolvers } from '../../../generated/graphql/consent-resolvers';
import { DateScalar, DateTimeScalar } from '../../../lib/scalars';
import { DisclosureExport, DisclosureReport, DisclosureRequest } from './disclosure';
import { Mutation } from './mutation';
import { Query } from './query';
import { ConsentRecord, LegalException } from './records';
import { Room } from './room';
import { Subject } from './subject';

export const resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Subject,
  Room,
  ConsentRecord,
  LegalException,
  DisclosureRequest,
  DisclosureExport,
  DisclosureReport,
} satisfies Resolvers;
