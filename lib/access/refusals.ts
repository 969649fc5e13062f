// What a refused caller reads: what it tried, in words, and who may do it or
// on what condition, never the permission table's internal name. Derived
// from the same table `can` reads (permissions.ts), so the message cannot
// drift from the rule. Both languages are built here from the same parts
// (lib/messages/message.ts); the Japanese uses the regulations' role names.
import type { Message } from '../messages/message';
import { grantOf, permissionTable, type Operation } from './permissions';
import { roles, type Role } from './principal';

/** What the operation does: English after "may not", Japanese before "ことができません". */
const doing: Record<Operation, Message> = {
  'facility.submit': {
    en: "submit a facility's Forms 1–3 (registration, change, stop)",
    ja: '施設の様式1～3（登録・変更・利用停止）を申請する',
  },
  'facility.forward': { en: 'forward a facility application', ja: '施設の申請を進達する' },
  'facility.decide': { en: 'approve or reject a facility application', ja: '施設の申請を承認・却下する' },
  'user.submit': {
    en: "submit a user's Forms 4–5 (registration, change, retirement)",
    ja: '利用者の様式4～5（登録・変更・退職）を申請する',
  },
  'user.decide': {
    en: 'approve or reject a user application, or reset a password',
    ja: '利用者の申請を承認・却下する、またはパスワードを再設定する',
  },
  'certificate.issue': { en: 'issue or revoke terminal certificates', ja: '端末の電子証明書を発行・失効する' },
  'room.submit': { en: 'submit a room application (Forms 8–10)', ja: '部屋の申請（様式8～10）を提出する' },
  'room.confirm': { en: 'confirm a room application', ja: '部屋の申請を確認する' },
  'room.decide': {
    en: 'approve or reject a room application, or open or close a room',
    ja: '部屋の申請を承認・却下する、または部屋を開設・閉鎖する',
  },
  'partner.registerInboundUser': {
    en: "decide a partner system's join request",
    ja: '他団体のシステムからの参加依頼を決定する',
  },
  'partner.requestOutboundJoin': {
    en: 'send a join request to a partner system',
    ja: '他団体のシステムに参加依頼を送る',
  },
  'partner.forwardOutboundJoin': {
    en: 'forward a join request to a partner system',
    ja: '他団体のシステムへの参加依頼を進達する',
  },
  'partner.askOutboundJoin': {
    en: "ask to join a partner system's room",
    ja: '他団体のシステムの部屋への参加を希望する',
  },
  'partner.manage': { en: 'manage the partner registry', ja: '他団体のシステムの登録を管理する' },
  'facility.supervise': { en: "see facilities' applications and users", ja: '施設の申請と利用者を閲覧する' },
  'system.restrict': { en: 'restrict the service (Art. 23-1)', ja: 'システムの利用を制限する（第23条第1項）' },
  'account.deleteUnused': {
    en: 'delete unused accounts (Art. 23-2)',
    ja: '長期間使われていないアカウントを削除する（第23条第2項）',
  },
  'account.suspend': {
    en: 'suspend or reinstate accounts (Art. 23-3)',
    ja: 'アカウントの利用を停止・再開する（第23条第3項）',
  },
  'content.remove': { en: 'remove content (Art. 23-4)', ja: '書き込みを削除する（第23条第4項）' },
  'room.content': { en: "read or write this room's content", ja: 'この部屋の内容を読み書きする' },
  'audit.read': { en: 'read the audit trail', ja: '監査記録を閲覧する' },
  'fault.report': { en: 'report a fault', ja: '障害を報告する' },
  'fault.forward': { en: 'forward a fault report', ja: '障害報告を進達する' },
  'fault.respond': { en: 'respond to a fault report', ja: '障害報告に対応する' },
  'disclosure.record': { en: 'record a disclosure request', ja: '開示請求を記録する' },
  'disclosure.produce': { en: 'produce a disclosure report', ja: '開示報告書を作成する' },
  'exchange.deadLetters': {
    en: "see and re-drive the exchange's dead letters",
    ja: '連携の配送不能メッセージを閲覧・再送する',
  },
  'emergency.declare': {
    en: "declare, end or review an emergency access to a subject's rooms",
    ja: '対象者の部屋への緊急アクセスを宣言・終了・事後確認する',
  },
};

const roleNames: Record<Role, Message> = {
  SYSTEM_ADMIN: { en: 'the system administrator', ja: 'システム管理者' },
  ADMIN_MANAGER: { en: 'an administrative manager', ja: '行政管理者' },
  HOSPITAL_MANAGER: { en: 'a core-hospital manager', ja: '病院管理者' },
  FACILITY_MANAGER: { en: 'a facility manager', ja: 'システム管理責任者' },
  USER: { en: 'a user', ja: '利用者' },
};

const paperForm: Message = {
  en: 'To record a paper form a facility sent in, give its facility id as onPaperFor.',
  ja: '施設から届いた紙の様式を記録するには、その施設の ID を onPaperFor に指定してください。',
};

/** What to do instead, where the regulations give another way (paper forms recorded on a facility's behalf). */
const otherWays: Partial<Record<Operation, Partial<Record<Role, Message>>>> = {
  'facility.submit': { SYSTEM_ADMIN: paperForm, ADMIN_MANAGER: paperForm },
  'user.submit': { SYSTEM_ADMIN: paperForm, ADMIN_MANAGER: paperForm },
};

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function holders(operation: Operation): Message {
  const names = roles.filter((role) => permissionTable[operation][role]).map((role) => roleNames[role]);
  const last = names[names.length - 1];
  if (!last) return { en: 'no role', ja: 'どの役割も' };
  const rest = names.slice(0, -1);
  return {
    en: rest.length === 0 ? last.en : `${rest.map((n) => n.en).join(', ')} or ${last.en}`,
    ja: rest.length === 0 ? last.ja : `${rest.map((n) => n.ja).join('、')}または${last.ja}`,
  };
}

/** The refusal of `operations` (any of which would have done) to `role`, in both languages. */
export function refusalMessage(role: Role, operations: readonly Operation[]): Message {
  const [operation] = operations;
  if (!operation) return { en: 'You may not do this.', ja: 'この操作は許可されていません。' };
  const act = doing[operation];
  const grant = grantOf(role, operation);
  if (grant === 'own-facility')
    return {
      en: `You may ${act.en} only for your own facility.`,
      ja: `${act.ja}ことができるのは自施設についてのみです。`,
    };
  if (grant === 'member')
    return {
      en: `Only members of the room may ${act.en}. Members are added with Form 9 (room member change).`,
      ja: `${act.ja}ことができるのは部屋のメンバーだけです。メンバーの追加は様式9（部屋利用者登録変更申請）で行います。`,
    };
  const who = holders(operation);
  const sentence: Message = {
    en: `${capitalized(roleNames[role].en)} may not ${operations.map((o) => doing[o].en).join(', or ')}. ${capitalized(who.en)} may.`,
    ja: `${roleNames[role].ja}は${operations.map((o) => doing[o].ja).join('こと、または')}ことができません。${who.ja}が行えます。`,
  };
  const instead = otherWays[operation]?.[role];
  return instead ? { en: `${sentence.en} ${instead.en}`, ja: `${sentence.ja}${instead.ja}` } : sentence;
}

export function isOperation(name: string): name is Operation {
  return Object.hasOwn(doing, name);
}
