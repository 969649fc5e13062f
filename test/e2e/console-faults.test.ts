// The console's faults and restrictions screen in a real browser (Art. 22,
// Art. 23-1): a USER reports an anomaly (the graph's refusal of an empty
// summary first, in Japanese), the user's facility manager forwards it with a
// note, the system admin starts investigating and answers it, and the user
// then reads the answer on the report's page. The system admin puts a
// restriction in force after a confirmation (only reporting faults stopped, so
// the people can go on), a user sees it on the faults page and is refused a
// report with the admin's own words; the admin lifts it and the user reports
// again. A maintenance window with an announced end is shown to everyone with
// that end, and is gone once the end has come. Certificates are off here (their browser tests are console-sign-in
// and console-facilities).
import type { Page } from 'playwright-core';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser, screenshot } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/test-system';

const summary = '部屋のタイムラインが表示されない';
const details = '訪問前に部屋を開くと、読み込み中のまま止まる。再読み込みしても同じ。';
const note = '当施設の端末3台で再現を確認済み';
const investigation = 'ログを確認します';
const answer = 'ゲートウェイの設定不備を修正しました。ブラウザを再読み込みしてください。';
const restrictionMessage = '障害対応のため、障害報告の受付を一時停止しています。電話でご連絡ください。';

describe('the web console, faults and restrictions', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let user: Actor;
  let fm: Actor;
  let sa: Actor;
  let faultId: string;

  /** A page of its own (its own session) for the actor, signed in and on the faults screen. */
  async function signedIn(actor: Actor, path = '#/faults'): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${t.system.gateway.url}/${path}`);
    await page.getByLabel('アカウントID').fill(actor.accountId);
    await page.getByLabel('パスワード').fill(actorPassword);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('button', { name: 'サインイン' }).waitFor({ state: 'detached' });
    return page;
  }

  // The system's clock: real time, moved on when a test needs an announced end to have come.
  let clockOffsetMs = 0;

  /** The system admin's restriction form, opened from the faults screen with no restriction in force. */
  async function restrictionForm(admin: Page) {
    await admin.getByText('現在、利用制限はありません。').waitFor();
    await admin.getByRole('button', { name: '利用制限をかける' }).click();
    return admin.getByRole('form', { name: '利用制限をかける' });
  }

  beforeAll(async () => {
    t = await startTestSystem({ console: true, now: () => new Date(Date.now() + clockOffsetMs) });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
    user = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    // Japan time, as the people who use the console: the form's local time is Tokyo's.
    browser = await consoleBrowser({ timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('a user reports a fault: an empty summary is refused in the graph’s words, then the report’s page opens', async () => {
    const page = await signedIn(user);
    await page.getByRole('heading', { name: '障害報告と利用制限' }).waitFor();
    expect(await page.locator('[data-restriction]').getAttribute('data-restriction')).toBe('NONE');
    await page.getByText('現在、利用制限はありません。').waitFor();
    await page.getByText('この条件の障害報告はありません。').waitFor();
    expect(await page.getByRole('button', { name: '利用制限をかける' }).count()).toBe(0);

    await page.getByRole('button', { name: '障害を報告する' }).click();
    const form = page.getByRole('form', { name: '障害・異常を報告する（運用規程第22条）' });
    await form.getByLabel('発生日時').fill('2026-12-05T09:30');
    await form.getByLabel('状況').fill(details);
    await form.getByRole('button', { name: '報告する' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByRole('alert').textContent()).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    expect(await t.db.prisma.faultReport.count({ where: { reportedBy: user.userId } })).toBe(0);

    await form.getByLabel('概要').fill(summary);
    await form.getByRole('button', { name: '報告する' }).click();
    await page.getByRole('heading', { name: summary, level: 1 }).waitFor();
    faultId = /#\/faults\/([0-9a-f-]{36})$/.exec(page.url())?.[1] as string;
    expect(faultId).toBeDefined();
    expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('REPORTED');
    expect(await page.locator('dl.fields').textContent()).toContain(details);
    expect(await page.locator('dl.fields').textContent()).toContain('2026/12/05 9:30');
    expect(await page.getByText('回答はまだありません。').isVisible()).toBe(true);
    // The reporter takes no step.
    expect(await page.getByRole('button', { name: 'システム管理者へ進達する' }).count()).toBe(0);
    // Tokyo's 09:30 is 00:30 UTC.
    expect(await t.db.prisma.faultReport.findUniqueOrThrow({ where: { id: faultId } })).toMatchObject({
      status: 'REPORTED',
      facilityId: fm.facilityId,
      summary,
      details,
      occurredAt: new Date('2026-12-05T00:30:00Z'),
    });
    await browser.release(page);
  });

  it('the facility manager finds it waiting and forwards it with a note', async () => {
    const page = await signedIn(fm);
    const row = page.locator(`tr[data-fault="${faultId}"][data-waiting]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('あなたの対応待ち');
    expect(await row.textContent()).toContain('USER');
    // The status filter: nothing is under investigation yet.
    await page.getByRole('tab', { name: '調査中' }).click();
    await page.getByText('この条件の障害報告はありません。').waitFor();
    await page.getByRole('tab', { name: '報告済み' }).click();
    await row.getByRole('link', { name: summary }).click();
    await page.getByRole('heading', { name: summary, level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: '調査を始める' }).count()).toBe(0);
    await page.getByLabel('メモ（任意・2000文字以内）').fill(note);
    await page.getByRole('button', { name: 'システム管理者へ進達する' }).click();
    await page.locator('[data-status="FORWARDED"]').waitFor();
    expect(await page.getByRole('status').textContent()).toBe('処理しました。');
    expect(await page.locator('ol.history').textContent()).toContain(note);
    expect(await page.getByRole('button', { name: 'システム管理者へ進達する' }).count()).toBe(0);
    const steps = await t.db.prisma.faultStep.findMany({ where: { faultId }, orderBy: { at: 'asc' } });
    expect(steps.map((s) => [s.status, s.actorId, s.note])).toEqual([
      ['REPORTED', user.userId, null],
      ['FORWARDED', fm.userId, note],
    ]);
    await browser.release(page);
  });

  it('the system admin investigates, then answers and closes it: an answer is required', async () => {
    const page = await signedIn(sa, `#/faults/${faultId}`);
    await page.getByRole('heading', { name: summary, level: 1 }).waitFor();
    await page.getByLabel('メモ（任意・2000文字以内）').fill(investigation);
    await page.getByRole('button', { name: '調査を始める' }).click();
    await page.locator('[data-status="INVESTIGATING"]').waitFor();
    expect((await t.db.prisma.faultReport.findUniqueOrThrow({ where: { id: faultId } })).status).toBe('INVESTIGATING');

    const resolve = page.getByRole('form', { name: '回答を記録して完了する' });
    // No answer: the graph refuses, in Japanese, and the report stays open.
    await resolve.getByRole('button', { name: '回答して完了する' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    expect((await t.db.prisma.faultReport.findUniqueOrThrow({ where: { id: faultId } })).status).toBe('INVESTIGATING');
    await resolve.getByLabel('回答（報告者に表示されます・5000文字以内）').fill(answer);
    await resolve.getByRole('button', { name: '回答して完了する' }).click();
    await page.locator('[data-status="RESOLVED"]').waitFor();
    expect(await page.locator('[data-response]').textContent()).toBe(answer);
    expect(await page.getByRole('form', { name: '回答を記録して完了する' }).count()).toBe(0);
    expect(await t.db.prisma.faultReport.findUniqueOrThrow({ where: { id: faultId } })).toMatchObject({
      status: 'RESOLVED',
      response: answer,
    });
    await browser.release(page);
  });

  it('the user reads the answer and the whole history on the report’s page', async () => {
    const page = await signedIn(user, `#/faults/${faultId}`);
    await page.locator('[data-status="RESOLVED"]').waitFor();
    expect(await page.locator('[data-response]').textContent()).toBe(answer);
    const history = await page.locator('ol.history li').allTextContents();
    expect(history).toHaveLength(4);
    expect(history[0]).toContain('報告');
    expect(history[1]).toContain('システム管理者へ進達');
    expect(history[1]).toContain(note);
    expect(history[2]).toContain('調査開始');
    expect(history[3]).toContain('回答して完了');
    await page.getByRole('link', { name: '← 障害報告の一覧へ' }).click();
    const row = page.locator(`tr[data-fault="${faultId}"]`);
    await row.waitFor();
    expect(await row.locator('[data-status]').textContent()).toBe('対応済み');
    expect(await row.getAttribute('data-waiting')).toBeNull();
    await browser.release(page);
  });

  it('the system admin restricts reporting after a confirmation; a user sees it and is refused, until it is lifted', async () => {
    const admin = await signedIn(sa);
    const form = await restrictionForm(admin);
    await form.getByLabel('指定した操作のみ停止').check();
    await form.getByLabel('停止する操作（GraphQL の操作名）').fill('reportFault');
    await form.getByLabel('利用者へのお知らせ').fill(restrictionMessage);
    await form.getByRole('button', { name: '確認へ進む' }).click();
    const confirm = admin.getByRole('alertdialog', { name: 'この内容で利用制限をかけますか？' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('reportFault');
    // Nothing is in force until the confirmation.
    expect(await t.db.prisma.systemRestriction.count({ where: { endedAt: null } })).toBe(0);
    await confirm.getByRole('button', { name: '制限をかける' }).click();
    await admin.getByRole('status').filter({ hasText: '利用制限をかけました。' }).waitFor();
    await admin.locator('[data-restriction="OPERATIONS"]').waitFor();
    const inForce = await t.db.prisma.systemRestriction.findFirstOrThrow({ where: { endedAt: null } });
    expect(inForce).toMatchObject({ scope: 'OPERATIONS', operations: ['reportFault'], startedBy: sa.userId });
    await admin.locator(`tr[data-fault="${faultId}"]`).waitFor();
    await screenshot(admin, 'console-faults');

    // The user sees what it stops, why and since when, and is refused a report with the admin's words.
    const page = await signedIn(user);
    const shown = page.locator('[data-restriction="OPERATIONS"]');
    await shown.waitFor();
    expect(await shown.locator('[data-restriction-message]').textContent()).toBe(restrictionMessage);
    expect(await shown.textContent()).toContain('指定した操作のみ停止');
    expect(await shown.textContent()).toContain('reportFault');
    expect(await shown.textContent()).toMatch(/開始\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}/);
    expect(await page.getByRole('button', { name: '制限を解除する' }).count()).toBe(0);
    await page.getByRole('button', { name: '障害を報告する' }).click();
    const report = page.getByRole('form', { name: '障害・異常を報告する（運用規程第22条）' });
    await report.getByLabel('概要').fill('印刷できない');
    await report.getByLabel('状況').fill('紹介状の印刷ボタンが反応しない');
    await report.getByRole('button', { name: '報告する' }).click();
    await report.getByRole('alert').waitFor();
    expect(await report.getByRole('alert').textContent()).toBe(restrictionMessage);
    expect(await t.db.prisma.faultReport.count({ where: { reportedBy: user.userId } })).toBe(1);

    // Lifted after a confirmation: the user's next report goes through.
    await admin.getByRole('button', { name: '制限を解除する' }).click();
    const lift = admin.getByRole('alertdialog', { name: '利用制限を解除しますか？' });
    await lift.getByRole('button', { name: '解除する' }).click();
    await admin.getByRole('status').filter({ hasText: '利用制限を解除しました。' }).waitFor();
    await admin.getByText('現在、利用制限はありません。').waitFor();
    expect(await t.db.prisma.systemRestriction.findUniqueOrThrow({ where: { id: inForce.id } })).toMatchObject({
      endedBy: sa.userId,
      endedAt: expect.any(Date),
    });

    await report.getByRole('button', { name: '報告する' }).click();
    await page.getByRole('heading', { name: '印刷できない', level: 1 }).waitFor();
    expect(await t.db.prisma.faultReport.count({ where: { reportedBy: user.userId } })).toBe(2);
    await page.getByRole('link', { name: '← 障害報告の一覧へ' }).click();
    await page.getByText('現在、利用制限はありません。').waitFor();
  }, 60_000);

  it('a maintenance window: the admin announces its end, everyone sees it, and it is gone once the end has come', async () => {
    const admin = await signedIn(sa);
    const form = await restrictionForm(admin);
    await form.getByLabel('閲覧のみ（登録・変更・手続きはすべて停止）').check();
    await form.getByLabel('利用者へのお知らせ').fill('システム更新のため、明朝6時まで閲覧のみとなります。');
    // Tomorrow at 06:00 Tokyo time, typed in the browser's (Tokyo's) local time.
    const tomorrow = new Date(Date.now() + 9 * 3600_000 + 24 * 3600_000).toISOString().slice(0, 10);
    const end = new Date(`${tomorrow}T06:00:00+09:00`);
    const shownEnd = `${tomorrow.replaceAll('-', '/')} 6:00`;
    await form.getByLabel('終了予定（任意）').fill(`${tomorrow}T06:00`);
    await form.getByRole('button', { name: '確認へ進む' }).click();
    const confirm = admin.getByRole('alertdialog', { name: 'この内容で利用制限をかけますか？' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`終了予定${shownEnd}`);
    await confirm.getByRole('button', { name: '制限をかける' }).click();
    await admin.getByRole('status').filter({ hasText: '利用制限をかけました。' }).waitFor();
    const inForce = await t.db.prisma.systemRestriction.findFirstOrThrow({ where: { endedAt: null } });
    expect(inForce).toMatchObject({ scope: 'READ_ONLY', scheduledEndAt: end, startedBy: sa.userId });

    const page = await signedIn(user);
    const shown = page.locator('[data-restriction="READ_ONLY"]');
    await shown.waitFor();
    expect(await shown.locator('[data-restriction-end]').textContent()).toBe(shownEnd);
    await browser.release(page);
    await browser.release(admin);

    // The end comes (the system's clock moves past it): someone signing in then finds no restriction,
    // and its record shows nobody lifted it.
    clockOffsetMs = end.getTime() - Date.now() + 60_000;
    try {
      const later = await signedIn(user);
      await later.getByText('現在、利用制限はありません。').waitFor();
      expect(await later.getByText(shownEnd).count()).toBe(0);
      expect(await t.db.prisma.systemRestriction.findUniqueOrThrow({ where: { id: inForce.id } })).toMatchObject({
        endedAt: null,
        endedBy: null,
      });
      await browser.release(later);
    } finally {
      clockOffsetMs = 0;
    }
  });
});
