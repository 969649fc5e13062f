import type { Resolvers } from '../../../generated/graphql/rooms-resolvers';
import { DateScalar, DateTimeScalar } from '../../../lib/scalars';
import { DisclosedRoom, DisclosureReport } from './disclosure-report';
import { ExistenceCheck, ExistenceCheckStep } from './existence-check';
import { Mutation } from './mutation';
import { exchangeMutation, exchangeQuery, exchangeRoomFields, exchangeTypes } from '../exchange/resolvers';
import { DisclosedEmergencyAccess, EmergencyAccess, EmergencyMutation, EmergencyQuery } from '../emergency/resolvers';
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
  Query: { ...Query, ...exchangeQuery, ...EmergencyQuery },
  Mutation: { ...Mutation, ...exchangeMutation, ...EmergencyMutation },
  EmergencyAccess,
  DisclosedEmergencyAccess,
  ...exchangeTypes,
  Room: { ...Room, ...exchangeRoomFields },
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
  DisclosedRoom,
} satisfies Resolvers;
