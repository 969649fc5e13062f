import { DateTimeScalar } from '../../../lib/scalars';
import { Mutation } from './mutation';
import { Query } from './query';
import { Room } from './room';
import { Subject } from './subject';

export const resolvers = { DateTime: DateTimeScalar, Query, Mutation, Room, Subject };
