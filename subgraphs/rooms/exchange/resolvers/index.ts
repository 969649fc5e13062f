// The partner exchange's resolvers, merged into the rooms subgraph's map by
// ../../resolvers/index.ts: its own types, and the fields it adds to Query,
// Mutation and Room.
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

export const exchangeQuery = { ...OutboundQuery, ...InboundQuery };
export const exchangeMutation = { ...OutboundMutation, ...InboundMutation };
export const exchangeRoomFields = RoomExchangeFields;

export const exchangeTypes = {
  RoomShareCode,
  InboundJoinRequest,
  InboundJoinStep,
  ExternalParticipant,
  OutboundJoinRequest,
  OutboundJoinStep,
  ExternalMembership,
  ExchangeDeadLetter,
};
