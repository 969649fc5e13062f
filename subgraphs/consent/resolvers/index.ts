import { DateTimeScalar } from '../../../lib/scalars';
import { ConsentRecord } from './consent-record';
import { Mutation } from './mutation';
import { Room } from './room';
import { Subject } from './subject';

export const resolvers = { DateTime: DateTimeScalar, Mutation, Subject, Room, ConsentRecord };
