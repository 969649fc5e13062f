// The console's applications screen (Forms 1–5) in a real browser, as the
// system administrator uses it: what waits shows in the inbox, the list and
// one application with its content and history, approving a Form 4 (the new
// account and its one-time password shown once), rejecting a Form 1 with a
// reason, and a refusal by the graph (the application was decided meanwhile
// elsewhere) shown in Japanese with nothing changed. The applications are
// paper forms the administrator records through the graph first, over TLS
// with the same certificate, as the console's other screens will.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { consoleBrowser, type ConsoleBrowser, screenshot, signInToConsole } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { tlsGraphql } from '../support/tls-graphql-client';

const password = 'Applications-screen-2026!';

describe('the web console, applications (Forms 1–5)', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let page: Page;
  let admin: (query: string, variables?: Record<string, unknown>) => Promise<Record<string, any>>;
  let form4: string;
  let form1: string;

  beforeAll(async () => {
    t = await startTestSystem({ mode: 'tls', console: true });
    const terminal = { pfx: t.bootstrap.pkcs12, passphrase: t.bootstrap.passphrase, ca: t.ca.caCertificatePem };
    const call = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
      const answer = await tlsGraphql(t.graphqlUrl, query, variables, { ...terminal, token });
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
      return answer.data as Record<string, any>;
    };
    const signIn = 'mutation($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token } }';
    const first = await call(signIn, { a: t.bootstrap.accountId, p: t.bootstrap.initialPassword });
    await call(
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
      { c: t.bootstrap.initialPassword, n: password },
      first.signIn.token,
    );
    const token = (await call(signIn, { a: t.bootstrap.accountId, p: password })).signIn.token as string;
    admin = (query, variables) => call(query, variables, token);

    const facilityId = randomUUID();
    await t.db.prisma.facility.create({
      data: {
        id: facilityId,
        name: '高岡こすぎ訪問看護ステーション',
        kind: 'MEDICAL_INSTITUTION',
        insideCity: true,
        address: '高岡市',
      },
    });
    form4 = (
      await admin(
        `mutation($f: ID!, $i: UserRegistrationInput!) { submitUserRegistration(facilityId: $f, input: $i, onPaperFor: "施設長 高岡 花子") { id } }`,
        {
          f: facilityId,
          i: {
            name: '射水 一郎',
            nameKana: 'いみず いちろう',
            role: 'USER',
            pledge: { agreed: true, pledgedOn: '2026-12-01', textVersion: '2024-08-01' },
          },
        },
      )
    ).submitUserRegistration.id;
    form1 = (
      await admin(
        `mutation($i: FacilityInput!) { submitFacilityRegistration(input: $i, onPaperFor: "院長 氷見 次郎") { id } }`,
        { i: { name: '氷見みなと薬局', kind: 'PHARMACY', insideCity: true, address: '高岡市末広町' } },
      )
    ).submitFacilityRegistration.id;

    browser = await consoleBrowser();
    const context = await browser.newContext({
      locale: 'ja-JP',
      clientCertificates: [
        { origin: t.system.gateway.url, pfx: t.bootstrap.pkcs12, passphrase: t.bootstrap.passphrase },
      ],
    });
    page = await context.newPage();
    await signInToConsole(page, t.system.gateway.url, t.bootstrap.accountId, password);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('counts the two waiting applications in the inbox and lists them, newest first', async () => {
    const count = page.locator('[data-section="applications"] [data-count]');
    await count.waitFor();
    expect(await count.textContent()).toBe('2');
    await page.getByRole('link', { name: '利用施設・利用者の申請（様式1〜5）' }).click();
    await page.getByRole('heading', { name: '申請（様式1〜5）' }).waitFor();
    await page.locator('tr[data-application]').first().waitFor();
    const rows = page.locator('tr[data-application]');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-application')).toBe(form1);
    expect(await rows.nth(0).textContent()).toContain('様式1 利用施設登録申請書');
    expect(await rows.nth(0).textContent()).toContain('院長 氷見 次郎');
    expect(await rows.nth(1).textContent()).toContain('様式4 利用者登録申請書兼誓約書');
    expect(await rows.nth(1).textContent()).toContain('高岡こすぎ訪問看護ステーション');
    await screenshot(page, 'console-applications');
  });

  it('shows a Form 4 with its content and history, approves it and shows the new account once', async () => {
    await page.locator(`tr[data-application="${form4}"] a`).click();
    await page.getByRole('heading', { name: '様式4 利用者登録申請書兼誓約書' }).waitFor();
    expect(await page.locator('[data-field="name"] dd').textContent()).toBe('射水 一郎');
    expect(await page.locator('[data-field="role"] dd').textContent()).toBe('利用者');
    expect(await page.locator('ol.history li').first().textContent()).toContain('提出');
    await page.getByRole('button', { name: '承認する' }).click();
    await page.locator('[data-status="APPLIED"]').waitFor();
    const accountId = await page.locator('[data-issued="accountId"]').textContent();
    const user = await t.db.prisma.user.findFirstOrThrow({ where: { name: '射水 一郎' } });
    expect(accountId).toBe(user.accountId);
    expect(((await page.locator('[data-issued="initialPassword"]').textContent()) ?? '').length).toBeGreaterThanOrEqual(
      12,
    );
    expect(await page.locator('ol.history').textContent()).toContain('反映');
    await screenshot(page, 'console-application-approved');
    // Nothing left to decide: no decision buttons.
    expect(await page.getByRole('button', { name: '承認する' }).count()).toBe(0);
    // Shown once: reading the application again does not bring the password back.
    await page.reload();
    await page.locator('[data-status="APPLIED"]').waitFor();
    expect(await page.locator('[data-issued]').count()).toBe(0);
  });

  it('rejects a Form 1 with a reason, which its history keeps', async () => {
    await page.getByRole('link', { name: '申請の一覧へ' }).click();
    await page.locator(`tr[data-application="${form1}"] a`).click();
    await page.getByRole('heading', { name: '様式1 利用施設登録申請書' }).waitFor();
    await page.getByRole('button', { name: '却下する' }).click();
    await page.getByLabel('却下の理由（500文字以内）').fill('所在地の記載が不足しています。');
    await page.getByRole('button', { name: '却下を確定' }).click();
    await page.locator('[data-status="REJECTED"]').waitFor();
    expect(await page.locator('ol.history').textContent()).toContain('所在地の記載が不足しています。');
    const stored = await t.db.prisma.application.findUniqueOrThrow({ where: { id: form1 } });
    expect({ status: stored.status, reason: stored.decisionReason }).toEqual({
      status: 'REJECTED',
      reason: '所在地の記載が不足しています。',
    });
  });

  it('shows the graph’s Japanese refusal when the application was decided elsewhere meanwhile, changing nothing', async () => {
    const another = (
      await admin(
        `mutation($i: FacilityInput!) { submitFacilityRegistration(input: $i, onPaperFor: "所長 小矢部 三郎") { id } }`,
        {
          i: { name: '小矢部ケアプランセンター', kind: 'CARE_INSURANCE_SERVICE', insideCity: true, address: '高岡市' },
        },
      )
    ).submitFacilityRegistration.id as string;
    await page.goto(`${t.system.gateway.url}/#/applications/${another}`);
    await page.getByRole('button', { name: '承認する' }).waitFor();
    // Another administrator's terminal withdraws… here: the same administrator rejects it through the graph.
    await admin('mutation($id: ID!) { rejectApplication(id: $id, reason: "重複した申請") { id } }', { id: another });
    await page.getByRole('button', { name: '承認する' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/[ぁ-んァ-ン一-龠]/);
    expect(await alert.textContent()).not.toMatch(/^[\x20-\x7e]+$/);
    const stored = await t.db.prisma.application.findUniqueOrThrow({ where: { id: another } });
    expect(stored.status).toBe('REJECTED');
    expect(await t.db.prisma.facility.count({ where: { name: '小矢部ケアプランセンター' } })).toBe(0);
  });
});
