// The console's subjects and consent screen in a real browser (Art. 5, 18,
// 19; Forms 6 and 7): a user searches a kana name and birth date, finds
// nobody, registers the person (a kana the graph refuses first: its message,
// nothing registered) and lands on the person's page; records consent and
// sees it listed; a user of another facility, with no care relationship,
// opening the same address sees only the graph's Japanese refusal; the first
// user withdraws consent and sees it withdrawn; then asks for the person's
// room (Form 8) inviting a colleague of another facility found in the
// directory of professionals by kana. Certificates are off here
// (their browser tests are console-sign-in and console-facilities).
import type { Page } from 'playwright-core';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser, screenshot, signInToConsole } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('the web console, subjects and consent (Art. 18, Forms 6 and 7)', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let user: Actor;
  let stranger: Actor;
  let colleague: Actor;
  let page: Page;
  let subjectId: string;

  beforeAll(async () => {
    t = await startTestSystem({ console: true, workers: true });
    user = await actorWithRole(t, 'USER');
    stranger = await actorWithRole(t, 'USER');
    colleague = await actorWithRole(t, 'USER');
    await t.db.prisma.user.update({
      where: { id: colleague.userId },
      data: { name: '砺波 ゆき', nameKana: 'トナミ ユキ' },
    });
    browser = await consoleBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signedIn(actor: Actor): Promise<Page> {
    const signed = await browser.newPage();
    await signInToConsole(signed, t.system.gateway.url, actor.accountId, actorPassword);
    return signed;
  }

  it('a user searches a kana name and birth date, finds nobody, registers the person and lands on the page', async () => {
    page = await signedIn(user);
    await page.getByRole('link', { name: '対象者と同意' }).first().click();
    await page.getByRole('heading', { name: '対象者と同意' }).waitFor();
    const search = page.getByRole('form', { name: '対象者を探す（第18条）' });
    await search.getByLabel('氏名（かな）').fill('たかおか はなこ');
    await search.getByLabel('生年月日').fill('1940-05-03');
    await search.getByRole('button', { name: '検索する' }).click();
    await page.getByText('該当する対象者は見つかりませんでした。').waitFor();

    const form = page.getByRole('form', { name: '対象者を登録する' });
    expect(await form.getByLabel('氏名（かな）').inputValue()).toBe('たかおか はなこ');
    expect(await form.getByLabel('生年月日').inputValue()).toBe('1940-05-03');
    await form.getByLabel('氏名', { exact: true }).fill('高岡 花子');
    await form.getByLabel('性別').selectOption('FEMALE');
    // A kana name in Latin letters: the graph refuses it with its message, and nothing is registered.
    await form.getByLabel('氏名（かな）').fill('Takaoka Hanako');
    await form.getByRole('button', { name: '登録する' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    // The graph's message, the field named as the form names it.
    expect(await alert.textContent()).toBe('氏名（かな）: ひらがなまたはカタカナで入力してください。');
    expect(await t.db.prisma.subject.count()).toBe(0);

    await form.getByLabel('氏名（かな）').fill('たかおか はなこ');
    await form.getByRole('button', { name: '登録する' }).click();
    await page.locator('#subject-title').waitFor({ timeout: 20_000 });
    expect(await page.locator('#subject-title').textContent()).toContain('高岡 花子');
    subjectId = new URL(page.url()).hash.split('/')[2] as string;
    const row = await t.db.prisma.subject.findUniqueOrThrow({ where: { id: subjectId } });
    expect(row.name).toBe('高岡 花子');
    expect(row.sex).toBe('FEMALE');
    expect(await page.locator('[data-consent="NOT_RECORDED"]').textContent()).toBe('同意なし（未記録）');
    expect(await page.getByText('同意はまだ記録されていません。').count()).toBe(1);
  });

  it('the user records consent (Forms 6 and 7) signed by a family member and sees it listed', async () => {
    await page.getByRole('button', { name: '同意を記録する（様式6・7）' }).click();
    const form = page.getByRole('form', { name: /様式7/ });
    await form.getByLabel('家族（代理人）').check();
    await form.getByLabel('署名した家族の氏名').fill('高岡 一郎');
    await form.getByLabel('対象者との続柄').fill('長男');
    await form.getByLabel('医療・介護・障害福祉サービスの提供').check();
    await form.getByLabel('サービス担当者会議等').check();
    await form.getByRole('button', { name: '同意を記録' }).click();
    await page.locator('[data-consent="GRANTED"]').waitFor();
    expect(await page.getByRole('status').textContent()).toBe('同意を記録しました。');
    const listed = page.locator('tr[data-state="GRANTED"]');
    expect(await listed.count()).toBe(1);
    const text = await listed.textContent();
    expect(text).toContain('家族 高岡 一郎（長男）');
    expect(text).toContain('サービス担当者会議等');
    expect(text).toContain('あなたが記録');
    expect(await page.locator('[data-sharing]').textContent()).toContain('共有できます');
    await screenshot(page, 'console-subject');

    const consent = await t.db.prisma.consentRecord.findFirstOrThrow({ where: { subjectId } });
    expect(consent).toMatchObject({
      state: 'GRANTED',
      signedBy: 'FAMILY',
      signerName: '高岡 一郎',
      relationship: '長男',
      explainedBy: user.userId,
      recordedBy: user.userId,
    });
    expect([...consent.purposes].sort()).toEqual(['PROVIDE_SERVICES', 'SERVICE_STAFF_MEETINGS']);
  });

  it('a user of another facility opening the address sees the graph’s refusal in Japanese and nothing of the person', async () => {
    const other = await signedIn(stranger);
    await other.goto(`${t.system.gateway.url}/#/subjects/${subjectId}`);
    const alert = other.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('この対象者との支援関係がありません');
    const body = (await other.locator('body').textContent()) ?? '';
    expect(body).not.toContain('高岡 花子');
    expect(body).not.toContain('たかおか はなこ');
    expect(body).not.toContain('高岡 一郎');
    expect(await other.locator('#subject-title').count()).toBe(0);
    await browser.release(other);
  });

  it('the user withdraws consent, confirming with a reason, and sees it withdrawn', async () => {
    await page.getByRole('button', { name: '同意を撤回する' }).click();
    await page.getByText('撤回すると情報共有は止まり').waitFor();
    await page.getByLabel('撤回の理由（500文字以内）').fill('ご家族から撤回の申し出');
    await page.getByRole('button', { name: '撤回を確定' }).click();
    await page.locator('[data-consent="WITHDRAWN"]').waitFor();
    expect(await page.getByRole('status').textContent()).toBe('同意の撤回を記録しました。');
    const withdrawn = page.locator('tr[data-state="WITHDRAWN"]');
    expect(await withdrawn.textContent()).toContain('ご家族から撤回の申し出');
    expect(await page.locator('[data-sharing]').textContent()).toContain('共有できません');
    expect(await page.getByRole('button', { name: '同意を記録する（様式6・7）' }).count()).toBe(1);
    const rows = await t.db.prisma.consentRecord.findMany({ where: { subjectId }, orderBy: { recordedAt: 'asc' } });
    expect(rows.map((r) => r.state)).toEqual(['GRANTED', 'WITHDRAWN']);
    expect(rows[1]?.withdrawalReason).toBe('ご家族から撤回の申し出');
  });

  it('searching again (in katakana) finds the person, says the read is audited, and links to the page', async () => {
    await page.getByRole('link', { name: '← 対象者の検索へ' }).click();
    const search = page.getByRole('form', { name: '対象者を探す（第18条）' });
    await search.getByLabel('氏名（かな）').fill('タカオカ ハナコ');
    await search.getByLabel('生年月日').fill('1940-05-03');
    await search.getByRole('button', { name: '検索する' }).click();
    await page.locator(`tr[data-subject="${subjectId}"]`).waitFor();
    expect(await page.getByText('検索結果の表示は1人ずつ閲覧として記録されます（監査）。').count()).toBe(1);
    // What the screen says: the person found is an audited read by this user.
    const reads = await t.db.prisma.auditEvent.findMany({
      where: { action: 'subject.read', actorId: user.userId, targetId: subjectId },
    });
    expect(reads.some((read) => (read.details as { via?: string }).via === 'findSubjects')).toBe(true);
    await page.getByRole('link', { name: '高岡 花子' }).click();
    await page.locator('[data-consent="WITHDRAWN"]').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/subjects/${subjectId}`);
    await browser.release(page);
  });

  it('the user asks for the person’s room (Form 8), inviting a colleague of another facility found by kana', async () => {
    page = await signedIn(user);
    await page.goto(`${t.system.gateway.url}/#/subjects/${subjectId}`);
    await page.getByText('部屋の開設を申請（様式8）').click();
    const picker = page.locator('.ask-for-room fieldset.colleague-picker');
    // One character is refused by the graph, in its words.
    await picker.getByLabel('同僚を探す（氏名またはふりがな、2文字以上）').fill('と');
    await picker.getByRole('button', { name: '検索', exact: true }).click();
    await picker.getByRole('alert').filter({ hasText: '2文字以上' }).waitFor();
    await picker.getByLabel('同僚を探す（氏名またはふりがな、2文字以上）').fill('となみ');
    await picker.getByRole('button', { name: '検索', exact: true }).click();
    const row = picker.locator(`tr[data-colleague="${colleague.userId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('トナミ ユキ');
    expect(await row.textContent()).toContain('利用者');
    await row.getByRole('button', { name: '選ぶ: 砺波 ゆき' }).click();
    await picker.locator(`[data-chosen-colleague="${colleague.userId}"]`).waitFor();
    await page.getByRole('button', { name: '申請する', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '部屋の開設を申請しました。' }).waitFor();
    const application = await t.db.prisma.roomApplication.findFirstOrThrow({ where: { subjectId, form: 8 } });
    expect(application.submittedBy).toBe(user.userId);
    expect((application.content as { memberIds: string[] }).memberIds).toEqual([user.userId, colleague.userId]);
    await browser.release(page);
  });
});
