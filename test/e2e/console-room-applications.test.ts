// The console's room applications screen (Forms 8–10) in a real browser, on
// the route of Art. 20: a user asks for a room from the subject's page; the
// Form 8 waits in the facility manager's inbox,
// who confirms it; it then waits in a hospital manager's inbox, whose first
// approval is refused by the graph (no consent yet: the Japanese message, and
// nothing opened), and whose second, once consent is recorded, opens the room.
// Certificates are off here (their browser tests are console-sign-in and
// console-facilities): the people sign in with account ID and password.
import type { Page } from 'playwright-core';
import { actorPassword, actorWithRole, type Actor } from '../support/actors';
import { consoleBrowser, type ConsoleBrowser, screenshot, signInToConsole } from '../support/browser';
import { registeredSubject, syncCare } from '../support/directory-fixtures';
import { subjectWithConsent } from '../support/sharing-fixtures';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('the web console, room applications (Forms 8–10)', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let user: Actor;
  let fm: Actor;
  let hm: Actor;
  let subjectId: string;
  let applicationId: string;

  beforeAll(async () => {
    t = await startTestSystem({ console: true, workers: true });
    user = await actorWithRole(t, 'USER');
    fm = await actorWithRole(t, 'FACILITY_MANAGER', { facilityId: user.facilityId });
    hm = await actorWithRole(t, 'HOSPITAL_MANAGER');
    subjectId = await registeredSubject(t, undefined, user);
    browser = await consoleBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signedIn(actor: Actor): Promise<Page> {
    const page = await browser.newPage();
    await signInToConsole(page, t.system.gateway.url, actor.accountId, actorPassword);
    return page;
  }

  const waitingCount = async (page: Page) => {
    const count = page.locator('[data-section="roomApplications"] [data-count]');
    await count.waitFor();
    return count.textContent();
  };

  it('a user asks for a room from the subject’s page (Form 8)', async () => {
    const page = await signedIn(user);
    await page.goto(`${t.system.gateway.url}/#/subjects/${subjectId}`);
    await page.getByText('部屋の開設を申請（様式8）').click();
    await page.getByLabel('部屋の名称').fill('高岡 太郎さんの部屋');
    await page.getByRole('button', { name: '申請する' }).click();
    await page.getByRole('status').filter({ hasText: '部屋の開設を申請しました。' }).waitFor();
    const application = await t.db.prisma.roomApplication.findFirstOrThrow({ where: { subjectId } });
    expect({ form: application.form, status: application.status, content: application.content }).toMatchObject({
      form: 8,
      status: 'SUBMITTED',
      content: { title: '高岡 太郎さんの部屋' },
    });
    applicationId = application.id;
    await page.getByRole('link', { name: '申請の状況を見る' }).click();
    await page.getByRole('heading', { name: '様式8 部屋開設等申請書' }).waitFor();
    await browser.release(page);
  });

  it('the facility manager finds the Form 8 in the inbox and confirms it to the deciders', async () => {
    const page = await signedIn(fm);
    expect(await waitingCount(page)).toBe('1');
    await page.getByRole('region', { name: '受信箱' }).getByRole('link', { name: '部屋の申請（様式8〜10）' }).click();
    await page.getByRole('heading', { name: '部屋の申請（様式8〜10）' }).waitFor();
    await page.locator(`tr[data-room-application="${applicationId}"] a`).click();
    await page.getByRole('heading', { name: '様式8 部屋開設等申請書' }).waitFor();
    expect(await page.locator('dl.fields').first().textContent()).toContain('高岡 太郎さんの部屋');
    await screenshot(page, 'console-room-application');
    // A facility manager confirms; deciding is not theirs.
    expect(await page.getByRole('button', { name: '承認する' }).count()).toBe(0);
    await page.getByRole('button', { name: '確認して管理者へ送る' }).click();
    await page.locator('[data-status="FORWARDED"]').waitFor();
    expect(await page.locator('ol.history').textContent()).toContain('確認');
    await browser.release(page);
  });

  it('a hospital manager’s approval is refused without consent, in Japanese, and opens nothing', async () => {
    // The deciders are related to the subject while the form waits for them (the care job does this within a second).
    await syncCare(t, subjectId);
    const page = await signedIn(hm);
    expect(await waitingCount(page)).toBe('1');
    await page.goto(`${t.system.gateway.url}/#/room-applications/${applicationId}`);
    await page.getByRole('button', { name: '承認する' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/同意/);
    expect(await page.locator('[data-status="FORWARDED"]').count()).toBe(1);
    expect(await t.db.prisma.room.count({ where: { subjectId } })).toBe(0);

    // Consent is recorded (Form 7): the same button now opens the room.
    await subjectWithConsent(t, user, subjectId);
    await page.getByRole('button', { name: '承認する' }).click();
    await page.locator('[data-status="APPLIED"]').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    const room = await t.db.prisma.room.findFirstOrThrow({ where: { subjectId } });
    expect(room.title).toBe('高岡 太郎さんの部屋');
    expect(await page.locator('ol.history').textContent()).toContain('反映');
    await browser.release(page);
  });
});
