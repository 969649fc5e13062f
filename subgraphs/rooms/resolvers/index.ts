import { DateScalar, DateTimeScalar } from '../../../lib/scalars';
import { DisclosureReport } from './disclosure-report';
import { ExistenceCheck, ExistenceCheckStep } from './existence-check';
import { Mutation } from './mutation';
import {
  ExternalParticipant,
  InboundJoinRequest,
  InboundJoinStep,
  InboundMutation,
  InboundQuery,
  RoomExchangeFields,
  RoomShareCode,
} from './inbound-join';
import {
  ExchangeDeadLetter,
  ExternalMembership,
  OutboundJoinRequest,
  OutboundJoinStep,
  OutboundMutation,
  OutboundQuery,
} from './outbound-join';
import { Post, PostRevision } from './post';
import { Query } from './query';
import { RoomApplication, RoomApplicationStep } from './room-application';
import { Room } from './room';
import { Meeting } from './meeting';
import { RoomMember } from './room-member';
import { Subject } from './subject';

export const resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: { ...Query, ...OutboundQuery, ...InboundQuery },
  Mutation: { ...Mutation, ...OutboundMutation, ...InboundMutation },
  RoomShareCode,
  InboundJoinRequest,
  InboundJoinStep,
  ExternalParticipant,
  OutboundJoinRequest,
  OutboundJoinStep,
  ExternalMembership,
  ExchangeDeadLetter,
  Room: { ...Room, ...RoomExchangeFields },
  Subject,
  Post,
  PostRevision,
  RoomMember,
  Meeting,
  ExistenceCheck,
  ExistenceCheckStep,
  RoomApplication,
  RoomApplicationStep,
  DisclosureReport,
};
