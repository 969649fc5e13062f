import { operations } from './permissions';
import { roles } from './principal';
import { isOperation, refusalMessage } from './refusals';

describe('refusal messages', () => {
  it('never show the permission table’s internal names, in either language', () => {
    for (const role of roles)
      for (const operation of operations) {
        const message = refusalMessage(role, [operation]);
        expect(message.en).not.toContain(operation);
        expect(message.ja).not.toContain(operation);
        expect(message.ja).not.toContain(role);
      }
  });

  it('are full sentences: a capital and a full stop in English, 。 in Japanese', () => {
    for (const role of roles)
      for (const operation of operations) {
        const message = refusalMessage(role, [operation]);
        expect(message.en).toMatch(/^[A-Z].*\.$/);
        expect(message.ja).toMatch(/。$/);
      }
  });

  it('say who may, and the other way a paper form is recorded', () => {
    expect(refusalMessage('SYSTEM_ADMIN', ['facility.submit'])).toEqual({
      en: "The system administrator may not submit a facility's Forms 1–3 (registration, change, stop). A facility manager may. To record a paper form a facility sent in, give its facility id as onPaperFor.",
      ja: 'システム管理者は施設の様式1～3（登録・変更・利用停止）を申請することができません。システム管理責任者が行えます。施設から届いた紙の様式を記録するには、その施設の ID を onPaperFor に指定してください。',
    });
    expect(refusalMessage('USER', ['room.decide'])).toEqual({
      en: 'A user may not approve or reject a room application, or open or close a room. The system administrator, an administrative manager or a core-hospital manager may.',
      ja: '利用者は部屋の申請を承認・却下する、または部屋を開設・閉鎖することができません。システム管理者、行政管理者または病院管理者が行えます。',
    });
  });

  it('name the condition of a conditional grant', () => {
    expect(refusalMessage('FACILITY_MANAGER', ['user.submit'])).toEqual({
      en: "You may submit a user's Forms 4–5 (registration, change, retirement) only for your own facility.",
      ja: '利用者の様式4～5（登録・変更・退職）を申請することができるのは自施設についてのみです。',
    });
    expect(refusalMessage('USER', ['room.content']).en).toBe(
      "Only members of the room may read or write this room's content. Members are added with Form 9 (room member change).",
    );
    expect(refusalMessage('USER', ['room.content']).ja).toBe(
      'この部屋の内容を読み書きすることができるのは部屋のメンバーだけです。メンバーの追加は様式9（部屋利用者登録変更申請）で行います。',
    );
  });

  it('knows the table’s operations from other names', () => {
    expect(isOperation('room.decide')).toBe(true);
    expect(isOperation('password.reset.manager')).toBe(false);
    expect(isOperation('toString')).toBe(false);
  });
});
