import { DateScalar, DateTimeScalar } from '../../../lib/scalars';
import { Facility } from './facility';
import { Mutation } from './mutation';
import { Query } from './query';
import { Subject } from './subject';

export const resolvers = { Date: DateScalar, DateTime: DateTimeScalar, Query, Mutation, Facility, Subject };
