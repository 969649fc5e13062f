// The console's break-glass screen in a real browser: the system admin
// declares an emergency access for a subject (the graph's refusal of 0 hours
// first, shown as is, nothing written), naming a colleague found by kana;
// the colleague, not a member of the room, finds it on the same screen and
// reads the room's timeline; the admin ends it early and records the review.
// Certificates are off here (their browser tests are console-sign-in and
// console-facilities).
import type { Page } from 'playwright-core';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser, screenshot } from '../support/browser';
import { graphql } from '../support/graphql-client';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

const body = '避難所へ移動。服薬は朝夕2回';

describe('the web console, break-glass emergency access', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let sa: Actor;
  let hm: Actor;
  let member: Actor;
  let grantee: Actor;
  let subjectId: string;
  let roomId: string;

  async function signedIn(actor: Actor, path = '#/emergency'): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${t.system.gateway.url}/${path}`);
    await page.getByLabel('アカウントID').fill(actor.accountId);
    await page.getByLabel('パスワード').fill(actorPassword);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('button', { name: 'サインイン' }).waitFor({ state: 'detached' });
    return page;
  }

  beforeAll(async () => {
    t = await startTestSystem({ console: true });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    member = await actorWithRole(t, 'USER');
    grantee = await actorWithRole(t, 'USER');
    await t.db.prisma.user.update({
      where: { id: grantee.userId },
      data: { name: '伏木 さくら', nameKana: 'フシキ サクラ' },
    });
    subjectId = await subjectWithConsent(t, hm);
    const opened = await graphql(
      t.graphqlUrl,
      'mutation($s: ID!, $m: [ID!]) { openRoom(input: { subjectId: $s, title: "高岡 太郎さんの部屋", memberIds: $m }) { id } }',
      { s: subjectId, m: [member.userId] },
      hm.headers,
    );
    roomId = opened.data?.openRoom.id as string;
    const posted = await graphql(
      t.graphqlUrl,
      'mutation($r: ID!, $b: String!) { createPost(roomId: $r, category: MEDICAL, body: $b) { id } }',
      { r: roomId, b: body },
      member.headers,
    );
    expect(posted.errors).toBeUndefined();
    browser = await consoleBrowser({ timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('the system admin declares; the grantee reads the room from the same screen; the admin ends and reviews it', async () => {
    const admin = await signedIn(sa);
    await admin.getByRole('heading', { name: '緊急アクセス', level: 1 }).waitFor();
    await admin.getByText('この条件の緊急アクセスはありません。').waitFor();
    await admin.getByRole('button', { name: '緊急アクセスを宣言する' }).click();
    const form = admin.getByRole('form', { name: '緊急アクセスの宣言' });
    await form.getByLabel('対象者の ID').fill(subjectId);
    await form.getByLabel('理由').selectOption('URGENT_RISK_TO_LIFE_BODY_PROPERTY');
    await form.getByLabel('具体的な事情').fill('豪雨で孤立。担当ケアマネジャーと連絡が取れない');
    await form.getByLabel('同僚を探す（氏名またはふりがな、2文字以上）').fill('ふしき');
    await form.getByRole('button', { name: '検索', exact: true }).click();
    await form.getByRole('button', { name: '選ぶ: 伏木 さくら' }).click();
    await form.getByLabel('期間（時間・1～72）').fill('0');
    await form.getByRole('button', { name: '宣言する' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByRole('alert').textContent()).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    expect(await t.db.prisma.emergencyAccess.count()).toBe(0);

    await form.getByLabel('期間（時間・1～72）').fill('6');
    await form.getByRole('button', { name: '宣言する' }).click();
    await admin.getByRole('status').filter({ hasText: '緊急アクセスを宣言しました。' }).waitFor();
    const access = await t.db.prisma.emergencyAccess.findFirstOrThrow({ where: { subjectId } });
    const row = admin.locator(`tr[data-emergency-access="${access.id}"]`);
    await row.and(admin.locator('[data-status="ACTIVE"]')).waitFor();
    expect(await row.textContent()).toContain('伏木 さくら');
    await screenshot(admin, 'console-emergency');

    const reader = await signedIn(grantee);
    await reader.getByRole('link', { name: '高岡 太郎さんの部屋' }).click();
    await reader.getByText(body).waitFor();
    const flagged = await t.db.prisma.roomsAccessRecord.findMany({
      where: { actorId: grantee.userId, action: 'READ', what: 'timeline' },
    });
    expect(flagged.length).toBeGreaterThan(0);
    for (const record of flagged) expect(record.emergencyAccessId).toBe(access.id);
    await browser.release(reader);

    await row.getByRole('button', { name: '今すぐ終了する' }).click();
    await admin.getByRole('status').filter({ hasText: '緊急アクセスを終了しました。' }).waitFor();
    await row.and(admin.locator('[data-status="REVIEW_DUE"]')).waitFor();
    await admin.getByRole('tab', { name: '事後確認待ち' }).click();
    await row.getByLabel('事後確認の結果').fill('閲覧はタイムラインのみ。必要な範囲で問題なし');
    await row.getByRole('button', { name: '事後確認を記録する' }).click();
    await admin.getByRole('status').filter({ hasText: '事後確認を記録しました。' }).waitFor();
    await admin.getByText('この条件の緊急アクセスはありません。').waitFor();
    const reviewed = await t.db.prisma.emergencyAccess.findUniqueOrThrow({ where: { id: access.id } });
    expect(reviewed).toMatchObject({ reviewedBy: sa.userId, endedBy: sa.userId });
    await browser.release(admin);
  });
});
