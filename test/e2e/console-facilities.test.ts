// The console's "Facilities and users" screen in a real browser (Debian's
// chromium, driven by playwright-core), over TLS that requires a terminal
// certificate and with the gateway enforcing the console's persisted
// operations, as in production. What the people see is asserted: the system
// administrator opens 施設と利用者, finds a facility in the list and opens it
// (its registration and users), issues a terminal certificate (the .p12 is
// downloaded, its passphrase shown once), revokes one with a reason; the
// graph's refusals (an over-long label, a missing reason, another
// facility's users for a facility manager) appear in Japanese. The facility
// manager then signs in with the very file the administrator downloaded.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { builtConsoleDir } from '../../gateway/console';
import { loadPersistedOperations } from '../../gateway/persisted-operations';
import { hashPassword } from '../../subgraphs/identity/services/password-hasher';
import { consoleBrowser, type ConsoleBrowser, screenshot } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/test-system';

const newPassword = 'Console-facilities-2026!';
const managerPassword = 'correct horse battery staple';

/** A facility and its manager and a staff member, as approved Forms 1 and 4 would have written them. */
async function seedFacility(t: TestSystem) {
  const facilityId = randomUUID();
  await t.db.prisma.facility.create({
    data: {
      id: facilityId,
      name: '高岡北クリニック',
      kind: 'MEDICAL_INSTITUTION',
      insideCity: true,
      address: '富山県高岡市中川1-1',
    },
  });
  const passwordHash = await hashPassword(managerPassword);
  const people = [
    { accountId: 'tkfm000001', name: '北 花子', nameKana: 'きた はなこ', role: 'FACILITY_MANAGER' as const },
    { accountId: 'tkus000001', name: '北 一郎', nameKana: 'きた いちろう', role: 'USER' as const },
  ];
  for (const person of people) {
    const id = randomUUID();
    await t.db.prisma.user.create({
      data: {
        id,
        ...person,
        facilityId,
        passwordHash,
        passwordChangedAt: new Date(),
        mustChangePassword: false,
        pledgedAt: new Date(),
        pledgeVersion: '2024-08-01',
        issuedBy: id,
      },
    });
  }
  return { facilityId, manager: people[0]! };
}

async function signIn(page: Page, accountId: string, password: string): Promise<void> {
  await page.getByLabel('アカウントID').fill(accountId);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'サインイン' }).click();
}

describe('the web console, facilities and users', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let seeded: Awaited<ReturnType<typeof seedFacility>>;
  let downloads: string;
  const issued: { file?: string; passphrase?: string } = {};

  beforeAll(async () => {
    t = await startTestSystem({
      mode: 'tls',
      console: true,
      gatewayProtection: {
        persistedOperations: loadPersistedOperations(
          'enforce',
          path.join(builtConsoleDir, 'persisted-operations.json'),
        ),
      },
    });
    seeded = await seedFacility(t);
    downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-console-downloads-'));
    origin = t.system.gateway.url;
    browser = await consoleBrowser();
    context = await browser.newContext({
      locale: 'ja-JP',
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
      // The .p12 carries the network CA too: Playwright's client-certificate proxy trusts the gateway with it.
      clientCertificates: [{ origin, pfx: t.bootstrap.pkcs12, passphrase: t.bootstrap.passphrase }],
    });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    if (downloads) fs.rmSync(downloads, { recursive: true, force: true });
  });

  it('signs the administrator in, after the one-time password is changed', async () => {
    await page.goto(`${origin}/`);
    await signIn(page, t.bootstrap.accountId, t.bootstrap.initialPassword);
    await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
    await page.getByLabel('現在のパスワード').fill(t.bootstrap.initialPassword);
    await page.getByLabel('新しいパスワード', { exact: true }).fill(newPassword);
    await page.getByLabel('新しいパスワード（確認）').fill(newPassword);
    await page.getByRole('button', { name: '変更する' }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    await signIn(page, t.bootstrap.accountId, newPassword);
    await page.getByRole('heading', { name: '受信箱' }).waitFor();
  });

  it('lists the facilities and opens one: its registration and its users', async () => {
    await page.getByRole('link', { name: '施設と利用者' }).click();
    await page.getByRole('heading', { name: '施設と利用者' }).waitFor();
    const row = page.locator(`[data-facility="${seeded.facilityId}"]`);
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      '高岡北クリニック',
      '医療機関',
      '市内',
      '利用中',
      expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}$/),
    ]);
    await screenshot(page, 'console-facilities');
    // The administrator's own facility is listed too.
    expect(await page.locator('[data-facility]').count()).toBeGreaterThanOrEqual(2);
    await row.getByRole('link', { name: '高岡北クリニック' }).click();
    await page.getByRole('heading', { name: '高岡北クリニック' }).waitFor();
    expect(page.url()).toBe(`${origin}/#/facilities/${seeded.facilityId}`);
    expect(await page.locator('.details').textContent()).toContain('富山県高岡市中川1-1');
    const users = page.locator('table.users tbody tr');
    expect(await users.count()).toBe(2);
    const manager = users.filter({ hasText: 'tkfm000001' });
    expect(await manager.locator('td').allTextContents()).toEqual([
      '北 花子',
      'きた はなこ',
      'システム管理責任者（施設）',
      'tkfm000001',
      '有効',
      '—',
      // The system admin's actions on the account (console-user-admin.test.ts takes them).
      '利用停止パスワード再設定',
    ]);
    expect(await page.getByText('発行された証明書はありません').isVisible()).toBe(true);
  });

  it('refuses an over-long label with the graph’s Japanese message, leaving nothing issued', async () => {
    await page.getByLabel('ラベル（端末名）').fill('受'.repeat(61));
    await page.getByRole('button', { name: '発行してダウンロード' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('60文字以内にしてください');
    expect(await page.locator('[data-passphrase]').count()).toBe(0);
    expect(await page.locator('[data-certificate]').count()).toBe(0);
  });

  it('issues a terminal certificate: the .p12 is downloaded, its passphrase shown once, the certificate listed', async () => {
    await page.getByLabel('ラベル（端末名）').fill('受付端末1');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '発行してダウンロード' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^renkei-terminal-[0-9a-f]+\.p12$/);
    issued.file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(issued.file);
    expect(fs.statSync(issued.file).size).toBeGreaterThan(0);

    const shown = page.getByRole('region', { name: '証明書を発行しました' });
    await shown.waitFor();
    issued.passphrase = (await shown.locator('[data-passphrase]').textContent()) ?? '';
    expect(issued.passphrase.length).toBeGreaterThanOrEqual(12);
    expect(await shown.textContent()).toContain(download.suggestedFilename());
    expect(await shown.textContent()).toContain('今回だけ表示されます');
    expect(await shown.textContent()).toContain('Windows');
    expect(await page.getByRole('alert').count()).toBe(0);

    const row = page.locator('[data-certificate]').filter({ hasText: '受付端末1' });
    await row.waitFor();
    expect(await row.locator('[data-state]').getAttribute('data-state')).toBe('valid');
    const serial = download.suggestedFilename().replace(/^renkei-terminal-|\.p12$/g, '');
    expect(await row.textContent()).toContain(serial);
    await screenshot(page, 'console-facility');

    // Closed, it is gone: the passphrase is not shown again.
    await shown.getByRole('button', { name: '控えました。閉じる' }).click();
    expect(await page.locator('[data-passphrase]').count()).toBe(0);
    expect(await page.getByText(issued.passphrase).count()).toBe(0);
  });

  it('lets the facility manager sign in with the downloaded file: its own facility only, no issuing, another facility refused', async () => {
    const terminal = await browser.newContext({
      locale: 'ja-JP',
      clientCertificates: [{ origin, pfx: fs.readFileSync(issued.file!), passphrase: issued.passphrase! }],
    });
    try {
      const managerPage = await terminal.newPage();
      await managerPage.goto(`${origin}/#/facilities`);
      await signIn(managerPage, seeded.manager.accountId, managerPassword);
      await managerPage.getByRole('heading', { name: '施設と利用者' }).waitFor();
      await managerPage.locator('[data-facility]').first().waitFor();
      expect(await managerPage.locator('[data-facility]').count()).toBe(1);
      await managerPage.getByRole('link', { name: '高岡北クリニック' }).click();
      await managerPage.getByRole('heading', { name: '高岡北クリニック' }).waitFor();
      await managerPage.locator('[data-certificate]').first().waitFor();
      expect(await managerPage.getByRole('button', { name: '発行してダウンロード' }).count()).toBe(0);
      expect(await managerPage.getByRole('button', { name: /失効させる/ }).count()).toBe(0);

      // The administrator's facility: the graph refuses its users to this manager, and nothing else is shown.
      const adminFacility = await t.db.prisma.user.findUniqueOrThrow({
        where: { accountId: t.bootstrap.accountId },
        select: { facilityId: true },
      });
      await managerPage.goto(`${origin}/#/facilities/${adminFacility.facilityId}`);
      const alert = managerPage.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/[ぁ-んァ-ヶ一-龠]/);
      expect(await managerPage.locator('table').count()).toBe(0);
    } finally {
      await terminal.close();
    }
  });

  it('revokes a certificate after confirmation with a reason: shown as revoked', async () => {
    const row = page.locator('[data-certificate]').filter({ hasText: '受付端末1' });
    await row.getByRole('button', { name: '失効させる: 受付端末1' }).click();
    const confirm = page.getByRole('alertdialog', { name: '証明書「受付端末1」を失効させますか？' });
    await confirm.waitFor();
    // Without a reason the graph refuses, in Japanese; the certificate stays valid.
    await confirm.getByRole('button', { name: '失効させる' }).click();
    await confirm.getByRole('alert').waitFor();
    expect(await confirm.getByRole('alert').textContent()).toContain('入力してください');
    expect(await row.locator('[data-state]').getAttribute('data-state')).toBe('valid');

    await confirm.getByLabel('理由').fill('端末の入れ替え');
    await confirm.getByRole('button', { name: '失効させる' }).click();
    await page.getByRole('status').filter({ hasText: '証明書「受付端末1」を失効させました。' }).waitFor();
    await page.locator('[data-state="revoked"]').waitFor();
    expect(await row.locator('[data-state]').textContent()).toMatch(/^失効（\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}）$/);
    expect(await row.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('alertdialog').count()).toBe(0);
  });

  it('records a paper Form 1 and approves it: the new facility’s page opens', async () => {
    await page.getByRole('link', { name: '← 施設の一覧へ' }).click();
    await page.getByRole('heading', { name: '施設と利用者' }).waitFor();
    await page.getByRole('button', { name: '紙の様式1（利用施設登録申請書）を登録' }).click();
    const form = page.getByRole('form', { name: '紙の様式1を登録して承認する' });
    await form.getByLabel('申請者の氏名（申請書の記名）').fill('南 太郎');
    await form.getByLabel('名称', { exact: true }).fill('高岡南薬局');
    await form.getByLabel('種別').selectOption('PHARMACY');
    await form.getByLabel('所在地').fill('富山県高岡市南1-2');
    await form.getByRole('button', { name: '登録して承認' }).click();
    await page.getByRole('heading', { name: '高岡南薬局' }).waitFor();
    expect(page.url()).toMatch(/#\/facilities\/[0-9a-f-]{36}$/);
    expect(await page.locator('.lead').first().textContent()).toContain('薬局');
    expect(await page.getByText('利用者はいません').isVisible()).toBe(true);
  });

  it('records a paper Form 4 and approves it: the account and its initial password are shown once', async () => {
    await page.getByRole('button', { name: '紙の様式4（利用者登録申請書兼誓約書）を登録' }).click();
    const form = page.getByRole('form', { name: '紙の様式4を登録して承認する' });
    await form.getByLabel('申請者の氏名（申請書の記名）').fill('南 太郎');
    await form.getByLabel('氏名', { exact: true }).fill('南 次郎');
    await form.getByLabel('ふりがな').fill('みなみ じろう');
    await form.getByLabel('役割').selectOption('FACILITY_MANAGER');
    // The pledge not signed: the graph refuses, in Japanese, and nothing is issued.
    await form.getByRole('button', { name: '登録して承認' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByRole('alert').textContent()).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    expect(await page.locator('[data-initial-password]').count()).toBe(0);

    await form.getByLabel(/誓約書（2024-08-01版）に本人が署名している/).check();
    await form.getByRole('button', { name: '登録して承認' }).click();
    const account = page.getByRole('region', { name: '利用者「南 次郎」のアカウントを発行しました' });
    await account.waitFor();
    const accountId = (await account.locator('[data-account-id]').textContent()) ?? '';
    expect(accountId).toMatch(/^\w{6,}$/);
    expect(((await account.locator('[data-initial-password]').textContent()) ?? '').length).toBeGreaterThanOrEqual(8);
    const row = page.locator('table.users tbody tr').filter({ hasText: accountId });
    await row.waitFor();
    expect(await row.locator('td').first().textContent()).toBe('南 次郎');
    await account.getByRole('button', { name: '控えました。閉じる' }).click();
    expect(await page.locator('[data-initial-password]').count()).toBe(0);
  });
});
