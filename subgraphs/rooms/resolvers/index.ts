import { DateScalar, DateTimeScalar } from '../../../lib/scalars';
import { DisclosureReport } from './disclosure-report';
import { ExistenceCheck, ExistenceCheckStep } from './existence-check';
import { Mutation } from './mutation';
import { ExchangeDeadLetter, ExternalMembership, OutboundJoinRequest, OutboundJoinStep, OutboundMutation, OutboundQuery } from './outbound-join';
import { Post, PostRevision } from './post';
import { Query } from './query';
import { RoomApplication, RoomApplicationStep } from './room-application';
import { Room } from './room';
import { Meeting } from './meeting';
import { RoomMember } from './room-member';
import { Subject } from './subject';

export const resolvers = { Date: DateScalar, DateTime: DateTimeScalar, Query: { ...Query, ...OutboundQuery }, Mutation: { ...Mutation, ...OutboundMutation }, OutboundJoinRequest, OutboundJoinStep, ExternalMembership, ExchangeDeadLetter, Room, Subject, Post, PostRevision, RoomMember, Meeting, ExistenceCheck, ExistenceCheckStep, RoomApplication, RoomApplicationStep, DisclosureReport };
