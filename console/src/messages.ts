// The console's own words, Japanese first (the network's language) and
// English second. Errors from the graph arrive already in the language the
// console asks for (Accept-Language), with a stable code; only what the
// console itself says is here. A test checks that both languages have every key.
export type Language = 'ja' | 'en';

const ja = {
  networkName: '高岡多職種ネット',
  console: '管理コンソール',
  signInTitle: 'サインイン',
  signInLead: 'この端末の電子証明書と、アカウントIDおよびパスワードでサインインします。',
  accountId: 'アカウントID',
  password: 'パスワード',
  signIn: 'サインイン',
  signingIn: 'サインインしています…',
  signOut: 'サインアウト',
  signedOut: 'サインアウトしました。',
  changePasswordTitle: 'パスワードの変更',
  changePasswordLead: '初回のパスワード（または期限切れのパスワード）は、ほかの操作の前に変更が必要です。',
  currentPassword: '現在のパスワード',
  newPassword: '新しいパスワード',
  confirmPassword: '新しいパスワード（確認）',
  passwordsDiffer: '確認用のパスワードが一致しません。',
  changePassword: '変更する',
  passwordChanged: 'パスワードを変更しました。新しいパスワードでもう一度サインインしてください。',
  inbox: '受信箱',
  rooms: '部屋',
  subjects: '対象者と同意',
  applications: '申請（様式1〜5）',
  roomApplications: '部屋の申請（様式8〜10）',
  facilities: '施設と利用者',
  exchange: '他団体システム連携',
  outbound: '他団体の部屋への参加',
  partners: '連携先システム',
  faults: '障害報告と利用制限',
  audit: '監査と開示',
  emergency: '緊急アクセス',
  inboxLead: 'あなたの判断や確認を待っているもの',
  applicationsWaiting: '利用施設・利用者の申請（様式1〜5）',
  roomApplicationsWaiting: '部屋の申請（様式8〜10）',
  inboundJoinsWaiting: '他団体システムからの参加依頼',
  existenceChecksWaiting: '部屋の有無の問い合わせ（第18条）',
  deadLettersWaiting: '連携の失敗（再実行待ち）',
  outboundJoinsWaiting: '他団体の部屋への参加申請',
  faultsWaiting: '障害報告',
  exceptionReviewsWaiting: '見直し期限が30日以内の法令上の例外',
  notForYourRole: 'あなたの役割では対象外です',
  nothingWaiting: '待っているものはありません',
  loading: '読み込んでいます…',
  language: '言語',
  networkError: 'サーバーに接続できません。ネットワークを確認してからやり直してください。',
  roles: {
    SYSTEM_ADMIN: 'システム管理者',
    ADMIN_MANAGER: '管理責任者（市）',
    HOSPITAL_MANAGER: '管理責任者（病院）',
    FACILITY_MANAGER: 'システム管理責任者（施設）',
    USER: '利用者',
  } as Record<string, string>,
};

export type Messages = typeof ja;

const en: Messages = {
  networkName: 'Takaoka multi-professional network',
  console: 'Console',
  signInTitle: 'Sign in',
  signInLead: "Sign in with this terminal's certificate, your account ID and your password.",
  accountId: 'Account ID',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  signedOut: 'You have signed out.',
  changePasswordTitle: 'Change your password',
  changePasswordLead: 'A first (or expired) password must be changed before anything else.',
  currentPassword: 'Current password',
  newPassword: 'New password',
  confirmPassword: 'New password, again',
  passwordsDiffer: 'The two new passwords differ.',
  changePassword: 'Change',
  passwordChanged: 'Your password has been changed. Sign in again with the new one.',
  inbox: 'Inbox',
  rooms: 'Rooms',
  subjects: 'Subjects and consent',
  applications: 'Applications (Forms 1–5)',
  roomApplications: 'Room applications (Forms 8–10)',
  facilities: 'Facilities and users',
  exchange: 'Partner exchange',
  outbound: "Joining partners' rooms",
  partners: 'Partner systems',
  faults: 'Faults and restrictions',
  audit: 'Audit and disclosure',
  emergency: 'Emergency access',
  inboxLead: 'What waits for your decision or confirmation',
  applicationsWaiting: 'Facility and user applications (Forms 1–5)',
  roomApplicationsWaiting: 'Room applications (Forms 8–10)',
  inboundJoinsWaiting: "Partner systems' join requests",
  existenceChecksWaiting: 'Questions whether a room exists (Art. 18)',
  deadLettersWaiting: 'Exchange failures waiting for a retry',
  outboundJoinsWaiting: "Requests to join partners' rooms",
  faultsWaiting: 'Fault reports',
  exceptionReviewsWaiting: 'Legal exceptions due for review within 30 days',
  notForYourRole: 'Not part of your role',
  nothingWaiting: 'Nothing is waiting',
  loading: 'Loading…',
  language: 'Language',
  networkError: 'The server cannot be reached. Check the network and try again.',
  roles: {
    SYSTEM_ADMIN: 'System administrator',
    ADMIN_MANAGER: 'Admin manager (city)',
    HOSPITAL_MANAGER: 'Hospital manager',
    FACILITY_MANAGER: 'Facility manager',
    USER: 'User',
  },
};

export const messages: Record<Language, Messages> = { ja, en };

/** The browser's first language we have, Japanese otherwise. */
export function browserLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'ja' || primary === 'en') return primary;
  }
  return 'ja';
}
