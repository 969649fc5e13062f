import { DateTimeScalar } from '../../../lib/scalars';
import { Mutation } from './mutation';
import { Post, PostRevision } from './post';
import { Query } from './query';
import { Room } from './room';
import { Meeting } from './meeting';
import { RoomMember } from './room-member';
import { Subject } from './subject';

export const resolvers = { DateTime: DateTimeScalar, Query, Mutation, Room, Subject, Post, PostRevision, RoomMember, Meeting };
