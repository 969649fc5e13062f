// The partner exchange's resolvers, merged into the rooms subgraph's map by
// ../../resolvers/index.ts: its own types, and the fields it adds to Query,
// Mutation and Room.
import type {
  MutationResolvers,
  QueryResolvers,
  Resolvers,
  RoomResolvers,
} from '../../../../generated/graphql/rooms-resolvers';
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

export const exchangeQuery = { ...OutboundQuery, ...InboundQuery } satisfies QueryResolvers;
export const exchangeMutation = { ...OutboundMutation, ...InboundMutation } satisfies MutationResolvers;
export const exchangeRoomFields = RoomExchangeFields satisfies RoomResolvers;

export const exchangeTypes = {
  RoomShareCode,
  InboundJoinRequest,
  InboundJoinStep,
  ExternalParticipant,
  OutboundJoinRequest,
  OutboundJoinStep,
  ExternalMembership,
  ExchangeDeadLetter,
} satisfies Resolvers;
