import { DateScalar, DateTimeScalar } from '../../../lib/scalars';
import { DisclosureReport } from './disclosure-report';
import { ExistenceCheck, ExistenceCheckStep } from './existence-check';
import { Mutation } from './mutation';
import { Post, PostRevision } from './post';
import { Query } from './query';
import { RoomApplication, RoomApplicationStep } from './room-application';
import { Room } from './room';
import { Meeting } from './meeting';
import { RoomMember } from './room-member';
import { Subject } from './subject';

export const resolvers = { Date: DateScalar, DateTime: DateTimeScalar, Query, Mutation, Room, Subject, Post, PostRevision, RoomMember, Meeting, ExistenceCheck, ExistenceCheckStep, RoomApplication, RoomApplicationStep, DisclosureReport };
