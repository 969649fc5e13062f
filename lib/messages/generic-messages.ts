// One message per error code, for an error that reaches a caller without a
// message of its own (the masked INTERNAL_SERVER_ERROR, a request refused
// before anything more is known). A test checks that every code has one in
// both languages.
import type { ErrorCode } from '../graphql-errors';
import type { Message } from './message';

export const genericMessages: Record<ErrorCode, Message> = {
  UNAUTHENTICATED: { en: 'Sign in first.', ja: '先にサインインしてください。' },
  FORBIDDEN: {
    en: 'You may not do this. Ask your facility manager if you think you should.',
    ja: 'この操作は許可されていません。必要な場合はシステム管理責任者に相談してください。',
  },
  BAD_USER_INPUT: {
    en: 'The request has an invalid value. Correct it and try again.',
    ja: 'リクエストに正しくない値があります。修正してからやり直してください。',
  },
  NOT_FOUND: { en: 'Nothing was found.', ja: '見つかりません。' },
  CONFLICT: {
    en: 'This conflicts with the current state. Reload and try again.',
    ja: '現在の状態と矛盾します。読み込み直してからやり直してください。',
  },
  SERVICE_RESTRICTED: {
    en: 'The service is restricted for now. Try again later.',
    ja: '現在サービスの利用が制限されています。しばらくしてからやり直してください。',
  },
  ILLEGAL_TRANSITION: {
    en: 'This step is not possible in the current state. Reload and check the current state.',
    ja: '現在の状態ではこの操作はできません。読み込み直して状態を確認してください。',
  },
  INTERNAL_SERVER_ERROR: {
    en: 'Internal server error. Try again later; if it persists, report it to the system administrator.',
    ja: 'サーバー内部でエラーが発生しました。しばらくしてからやり直し、続く場合はシステム管理者に報告してください。',
  },
  OPERATION_TOO_COMPLEX: {
    en: 'The operation is too large or too complex. Ask for fewer fields or a smaller page.',
    ja: '操作が大きすぎるか複雑すぎます。項目数やページの大きさを減らしてください。',
  },
  RATE_LIMITED: {
    en: 'Too many requests. Try again later.',
    ja: 'リクエストが多すぎます。しばらくしてからやり直してください。',
  },
  PERSISTED_QUERY_NOT_IN_LIST: {
    en: 'This operation is not allowed here. Use an operation of the registered client.',
    ja: 'この操作はここでは許可されていません。登録済みのクライアントの操作を使ってください。',
  },
};
