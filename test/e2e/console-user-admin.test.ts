// User administration on the console's facilities screen, in a real browser:
// the system admin suspends a facility's user for a violation (Art. 23-3,
// after a confirmation whose missing reason the graph refuses in Japanese);
// the user's open page goes back to sign-in with the graph's message, and
// signing in is refused; reinstated, the user signs in again. A password reset
// shows the one-time password once; it signs the user in and forces a change.
// An admin manager is offered the reset only; a facility manager and a USER
// no action, and a USER whose console is made to offer the suspension anyway
// sees the graph's refusal. Certificates are off here (their browser tests are
// console-sign-in and console-facilities).
import type { Page } from 'playwright-core';
import { sessionRefusal } from '../../gateway/session-problems';
import { refusalMessage } from '../../lib/access/refusals';
import { signInRefusal } from '../../subgraphs/identity/domain/lockout-rules';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/test-system';

const newPassword = 'Amaharashi-Kaigan-2026!';

describe('the web console, user administration on the facilities screen', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let sa: Actor;
  let am: Actor;
  let fm: Actor;
  let user: Actor;
  let admin: Page;
  let userName: string;

  async function signIn(page: Page, accountId: string, password: string): Promise<void> {
    await page.getByLabel('アカウントID').fill(accountId);
    await page.getByLabel('パスワード').fill(password);
    await page.getByRole('button', { name: 'サインイン' }).click();
  }

  /** A page of its own (its own session) for the actor, signed in and at `where`. */
  async function signedIn(actor: Actor, where: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${t.system.gateway.url}/${where}`);
    await signIn(page, actor.accountId, actorPassword);
    await page.getByRole('button', { name: 'サインアウト' }).waitFor();
    return page;
  }

  const userRow = (page: Page) => page.locator(`table.users tr[data-user="${user.userId}"]`);
  const status = async () => (await t.db.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).status;

  beforeAll(async () => {
    t = await startTestSystem({ console: true });
    sa = await actorWithRole(t, 'SYSTEM_ADMIN');
    am = await actorWithRole(t, 'ADMIN_MANAGER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER');
    user = await actorWithRole(t, 'USER', { facilityId: fm.facilityId });
    userName = (await t.db.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).name;
    browser = await consoleBrowser({ viewport: { width: 1280, height: 900 } });
    admin = await signedIn(sa, `#/facilities/${fm.facilityId}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('suspends a user after a confirmation with a reason: the user’s open page goes back to sign-in, and sign-in is refused', async () => {
    const open = await signedIn(user, '#/faults');
    await open.getByRole('heading', { name: '障害報告と利用制限' }).waitFor();

    const row = userRow(admin);
    await row.waitFor();
    expect(await row.getByRole('button').allTextContents()).toEqual(['利用停止', 'パスワード再設定']);
    await row.getByRole('button', { name: `利用停止: ${userName}` }).click();
    const confirm = admin.getByRole('alertdialog', { name: `${userName}さんを利用停止にしますか？` });
    await confirm.waitFor();
    // No reason: the graph refuses, in Japanese, and nothing changes.
    await confirm.getByRole('button', { name: '利用停止にする' }).click();
    await confirm.getByRole('alert').waitFor();
    expect(await confirm.getByRole('alert').textContent()).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    expect(await status()).toBe('ACTIVE');

    await confirm.getByLabel('理由（500文字以内）').fill('他施設の利用者の情報を閲覧しようとした');
    await confirm.getByRole('button', { name: '利用停止にする' }).click();
    const after = admin.getByRole('status');
    await after.waitFor();
    expect(await after.textContent()).toBe(`${userName}さんの状態：利用停止（違反）`);
    expect(await admin.getByRole('alertdialog').count()).toBe(0);
    await row.getByText('利用停止（違反）').waitFor();
    expect(await row.getByRole('button').allTextContents()).toEqual(['利用再開', 'パスワード再設定']);
    expect(await status()).toBe('SUSPENDED');
    expect(await t.db.prisma.session.count({ where: { userId: user.userId, endedAt: null } })).toBe(0);

    // The user's next request finds the session over: the sign-in page, with the graph's words, and nothing else.
    await open.getByRole('tab', { name: '対応済み' }).click();
    await open.getByRole('heading', { name: 'サインイン' }).waitFor();
    expect(await open.getByRole('status').textContent()).toBe(sessionRefusal('account.suspend').message.ja);
    expect(await open.evaluate<string | null>("sessionStorage.getItem('renkei.session')")).toBeNull();
    await signIn(open, user.accountId, actorPassword);
    await open.getByRole('alert').waitFor();
    expect(await open.getByRole('alert').textContent()).toBe(signInRefusal.ja);
    expect(await open.getByRole('heading', { name: 'サインイン' }).isVisible()).toBe(true);
    await browser.release(open);
  });

  it('reinstates the user after a confirmation: active again, and the user signs in', async () => {
    const row = userRow(admin);
    await row.getByRole('button', { name: `利用再開: ${userName}` }).click();
    const confirm = admin.getByRole('alertdialog', { name: `${userName}さんの利用を再開しますか？` });
    await confirm.getByLabel('理由（500文字以内）').fill('本人への指導が終わったため');
    await confirm.getByRole('button', { name: '利用を再開する' }).click();
    await admin
      .getByRole('status')
      .filter({ hasText: `${userName}さんの状態：有効` })
      .waitFor();
    await row.getByText('有効', { exact: true }).waitFor();
    expect(await status()).toBe('ACTIVE');

    const page = await signedIn(user, '');
    await page.getByRole('heading', { name: '受信箱' }).waitFor();
    await browser.release(page);
  });

  it('resets the password after a confirmation: the one-time password, shown once, signs the user in and must be changed', async () => {
    const row = userRow(admin);
    await row.getByRole('button', { name: `パスワード再設定: ${userName}` }).click();
    const confirm = admin.getByRole('alertdialog', { name: `${userName}さんのパスワードを再設定しますか？` });
    await confirm.getByLabel('理由（500文字以内）').fill('パスワード失念（システム管理責任者からの依頼）');
    await confirm.getByRole('button', { name: '再設定する' }).click();
    const shown = admin.getByRole('region', { name: `${userName}さんの一時パスワード（この画面でのみ表示）` });
    await shown.waitFor();
    expect(await shown.locator('[data-reset="accountId"]').textContent()).toBe(user.accountId);
    const oneTime = (await shown.locator('[data-reset="initialPassword"]').textContent()) ?? '';
    expect(oneTime.length).toBeGreaterThanOrEqual(8);
    expect(await shown.textContent()).toContain('この一度だけ表示されます');
    expect(await t.db.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).toMatchObject({
      status: 'ACTIVE',
      mustChangePassword: true,
    });
    // Closed, it is gone for good.
    await shown.getByRole('button', { name: '控えました。閉じる' }).click();
    expect(await admin.locator('[data-reset]').count()).toBe(0);
    expect(await admin.getByText(oneTime).count()).toBe(0);

    const page = await browser.newPage();
    await page.goto(`${t.system.gateway.url}/`);
    // The old password no longer works.
    await signIn(page, user.accountId, actorPassword);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe(signInRefusal.ja);
    await signIn(page, user.accountId, oneTime);
    await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
    await page.getByLabel('現在のパスワード').fill(oneTime);
    await page.getByLabel('新しいパスワード', { exact: true }).fill(newPassword);
    await page.getByLabel('新しいパスワード（確認）').fill(newPassword);
    await page.getByRole('button', { name: '変更する' }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    await signIn(page, user.accountId, newPassword);
    await page.getByRole('heading', { name: '受信箱' }).waitFor();
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).mustChangePassword).toBe(false);
    await browser.release(page);
  });

  it('offers an admin manager the reset only, and a facility manager no action', async () => {
    const manager = await signedIn(am, `#/facilities/${fm.facilityId}`);
    const row = userRow(manager);
    await row.waitFor();
    expect(await row.getByRole('button').allTextContents()).toEqual(['パスワード再設定']);
    // A facility manager's account too: only the system admin resets a manager role's (theirs is not one).
    expect(await manager.locator(`tr[data-user="${fm.userId}"]`).getByRole('button').allTextContents()).toEqual([
      'パスワード再設定',
    ]);
    await browser.release(manager);

    const own = await signedIn(fm, `#/facilities/${fm.facilityId}`);
    await userRow(own).waitFor();
    expect(await own.locator('table.users th').allTextContents()).not.toContain('操作');
    expect(await own.locator('table.users button').count()).toBe(0);
    await browser.release(own);
  });

  it('gives a USER no suspend action; a console made to offer it anyway shows the graph’s refusal', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.system.gateway.url}/#/facilities/${fm.facilityId}`);
    await signIn(page, user.accountId, newPassword);
    // The graph refuses the facility's users to a USER: its message alone, no table, no action.
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    expect(await page.locator('table').count()).toBe(0);
    expect(await page.getByRole('button', { name: /利用停止/ }).count()).toBe(0);
    await browser.release(page);

    // A console tampered with on the terminal: it believes the USER is the system admin and shows a
    // user list. The suspension it then sends is the console's own SuspendUser with the USER's session,
    // and the graph refuses it: the refusal is the graph's message, and nothing changes.
    const tampered = await browser.newPage();
    const facility = await t.db.prisma.facility.findUniqueOrThrow({ where: { id: fm.facilityId } });
    const target = await t.db.prisma.user.findUniqueOrThrow({ where: { id: fm.userId } });
    await tampered.route('**/graphql', async (route) => {
      const { query } = route.request().postDataJSON() as { query: string };
      if (/^query Me\b/.test(query)) {
        const real = await route.fetch();
        const body = (await real.json()) as { data: { me: { user: { role: string } } } };
        body.data.me.user.role = 'SYSTEM_ADMIN';
        return route.fulfill({ response: real, json: body });
      }
      if (/^query FacilityDetail\b/.test(query))
        return route.fulfill({
          json: {
            data: {
              facility: { ...facility, createdAt: facility.createdAt.toISOString() },
              users: [
                {
                  id: target.id,
                  name: target.name,
                  nameKana: target.nameKana,
                  role: target.role,
                  accountId: target.accountId,
                  status: 'ACTIVE',
                  lastActiveAt: null,
                },
              ],
              clientCertificates: [],
            },
          },
        });
      return route.continue();
    });
    await tampered.goto(`${t.system.gateway.url}/#/facilities/${fm.facilityId}`);
    await signIn(tampered, user.accountId, newPassword);
    const row = tampered.locator(`table.users tr[data-user="${fm.userId}"]`);
    await row.getByRole('button', { name: `利用停止: ${target.name}` }).click();
    const confirm = tampered.getByRole('alertdialog', { name: `${target.name}さんを利用停止にしますか？` });
    await confirm.getByLabel('理由（500文字以内）').fill('試しに');
    await confirm.getByRole('button', { name: '利用停止にする' }).click();
    await confirm.getByRole('alert').waitFor();
    expect(await confirm.getByRole('alert').textContent()).toBe(refusalMessage('USER', ['account.suspend']).ja);
    expect(await tampered.getByRole('status').count()).toBe(0);
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: fm.userId } })).status).toBe('ACTIVE');
    await browser.release(tampered);
  });
});
