// The web console in a real browser (Debian's chromium, driven by
// playwright-core): the gateway serves it over TLS that requires a terminal
// certificate, as in production, and the browser context presents the first
// system administrator's certificate. What the person sees is asserted:
// Japanese by default, the forced password change, the inbox, a refusal in
// Japanese, an ended session taking the page back to sign-in with nothing of
// the previous page left (and a late refusal of its requests leaving the next
// session alone), and the page's own security headers. The gateway
// enforces the console's persisted-operations manifest throughout: the
// console works with it, and an operation outside it is refused.
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { builtConsoleDir, consolePolicy } from '../../gateway/console';
import { loadPersistedOperations } from '../../gateway/persisted-operations';
import { consoleBrowser, type ConsoleBrowser, screenshot } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { tlsGraphql } from '../support/tls-graphql-client';

const newPassword = 'Console-first-change-2026!';

describe('the web console, signing in', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;

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
    origin = t.system.gateway.url;
    browser = await consoleBrowser();
    context = await browser.newContext({
      locale: 'ja-JP',
      // The .p12 carries the network CA too: Playwright's client-certificate proxy trusts the gateway with it.
      clientCertificates: [{ origin, pfx: t.bootstrap.pkcs12, passphrase: t.bootstrap.passphrase }],
    });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const terminal = () => ({ pfx: t.bootstrap.pkcs12, passphrase: t.bootstrap.passphrase, ca: t.ca.caCertificatePem });
  const storedToken = () => page.evaluate<string | null>("sessionStorage.getItem('renkei.session')");

  /** Ends a session outside the page, with the console's own SignOut operation, sent as the manifest lists it. */
  async function endElsewhere(token: string): Promise<void> {
    const manifest = JSON.parse(fs.readFileSync(path.join(builtConsoleDir, 'persisted-operations.json'), 'utf8')) as {
      operations: Array<{ name: string; body: string }>;
    };
    const signOut = manifest.operations.find((op) => op.name === 'SignOut')!.body;
    const ended = await tlsGraphql(t.graphqlUrl, signOut, undefined, { ...terminal(), token });
    expect(ended.data).toEqual({ signOut: true });
  }

  /** Signs in from the Japanese sign-in page, and waits for the inbox's counts to be read. */
  async function signIn(): Promise<void> {
    const countsRead = page.waitForResponse(
      (response) => response.url().endsWith('/graphql') && !!response.request().postData()?.includes('query Inbox'),
    );
    await page.getByLabel('アカウントID').fill(t.bootstrap.accountId);
    await page.getByLabel('パスワード').fill(newPassword);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('heading', { name: '受信箱' }).waitFor();
    await countsRead;
  }

  it('serves the page with a policy that allows only its own files, and the files cached as immutable', async () => {
    const response = await page.goto(`${origin}/`);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toBe(consolePolicy);
    expect(headers['cache-control']).toBe('no-store');
    const script = await page.locator('script[type="module"]').getAttribute('src');
    expect(script).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    const asset = await context.request.get(`${origin}${script}`);
    expect(asset.status()).toBe(200);
    expect(asset.headers()['cache-control']).toContain('immutable');
    // Anything else is still the gateway's JSON 404, not the page.
    expect((await context.request.get(`${origin}/no-such-page`)).status()).toBe(404);
  });

  it('shows the sign-in page in Japanese and refuses a wrong password with the graph’s Japanese message', async () => {
    await page.goto(`${origin}/`);
    await expect(page.getByRole('heading', { name: 'サインイン' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'console-sign-in');
    await page.getByLabel('アカウントID').fill(t.bootstrap.accountId);
    await page.getByLabel('パスワード').fill('not-the-password');
    await page.getByRole('button', { name: 'サインイン' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/アカウントID.*パスワード|パスワード/);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('requires the one-time password to be changed, then a new sign-in with the new one', async () => {
    await page.getByLabel('パスワード').fill(t.bootstrap.initialPassword);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
    await screenshot(page, 'console-change-password');
    await page.getByLabel('現在のパスワード').fill(t.bootstrap.initialPassword);
    await page.getByLabel('新しいパスワード', { exact: true }).fill(newPassword);
    await page.getByLabel('新しいパスワード（確認）').fill(`${newPassword}x`);
    await page.getByRole('button', { name: '変更する' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('確認用のパスワードが一致しません。');
    await page.getByLabel('新しいパスワード（確認）').fill(newPassword);
    await page.getByRole('button', { name: '変更する' }).click();
    // Changing the password ends the session: back to sign-in, saying so.
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('パスワードを変更しました');
    await page.getByLabel('アカウントID').fill(t.bootstrap.accountId);
    await page.getByLabel('パスワード').fill(newPassword);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('heading', { name: '受信箱' }).waitFor();
  });

  it('shows the inbox of a system administrator with counts, in English on request', async () => {
    const applications = page.locator('[data-section="applications"]');
    // A count is shown once it is read (data-count); until then the row says it is loading.
    const count = (section: string) => page.locator(`[data-section="${section}"] [data-count]`);
    await count('applications').waitFor();
    expect(await applications.locator('.title').textContent()).toBe('利用施設・利用者の申請（様式1〜5）');
    expect(await count('applications').textContent()).toBe('0');
    await count('inboundJoins').waitFor();
    expect(await count('inboundJoins').textContent()).toBe('0');
    await count('roomApplications').waitFor();
    expect(await count('roomApplications').textContent()).toBe('0');
    for (const section of ['existenceChecks', 'deadLetters']) {
      await count(section).waitFor();
      expect(await count(section).textContent()).toBe('0');
    }
    await screenshot(page, 'console-inbox');
    expect(await page.locator('.who .role').textContent()).toContain('システム管理者');
    await page.getByLabel('言語').selectOption('en');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(await page.locator('[data-section="applications"] .title').textContent()).toBe(
      'Facility and user applications (Forms 1–5)',
    );
    // Back in Japanese, the counts are read again: wait for that answer, so that no read is still in
    // flight when the next test ends the session (its refusal would come back in Japanese, racing the
    // English one that test asks for). The Japanese read, by its Accept-Language: the English read
    // may still be answering when this wait begins, and matching it let the Japanese one race on.
    const countsRead = page.waitForResponse(
      (response) =>
        response.url().endsWith('/graphql') &&
        response.request().headers()['accept-language'] === 'ja' &&
        !!response.request().postData()?.includes('query Inbox'),
    );
    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('heading', { name: '受信箱' }).waitFor();
    await countsRead;
  });

  it('goes back to sign-in with the graph’s message when the session ends elsewhere, leaving nothing of the page', async () => {
    const token = await storedToken();
    expect(token).toBeTruthy();
    // Only the console's own operations run: another query, even a harmless one, is refused.
    const other = await tlsGraphql(t.graphqlUrl, '{ me { user { id } } }', undefined, { ...terminal(), token: token! });
    expect(other.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // The session is ended outside this page (as by an administrator, or its time running out).
    await endElsewhere(token!);
    // The next thing the page asks the graph (reading the inbox again in English) finds the session over.
    await page.getByLabel('言語').selectOption('en');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('The session has ended. Sign in again.');
    expect(await page.locator('.inbox').count()).toBe(0);
    expect(await page.getByText('Facility and user applications').count()).toBe(0);
    expect(await storedToken()).toBeNull();
    await page.getByLabel('Language').selectOption('ja');
  });

  it('keeps the next session when a request of the ended one is refused late', async () => {
    await signIn();
    const first = (await storedToken())!;
    // The English re-read of the counts is held at the browser's edge, sent with the first session.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const isHeldRead = (request: { headers(): Record<string, string>; postData(): string | null }) =>
      request.headers()['accept-language'] === 'en' && !!request.postData()?.includes('query Inbox');
    await page.route('**/graphql', async (route) => {
      if (isHeldRead(route.request())) {
        holding();
        await released;
      }
      await route.continue();
    });
    await page.getByLabel('言語').selectOption('en');
    await held;
    // The first session ends; the Japanese re-read finds it over, and the person signs in again.
    await endElsewhere(first);
    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe(
      'セッションは終了しています。もう一度サインインしてください。',
    );
    await signIn();
    const second = (await storedToken())!;
    expect(second).not.toBe(first);
    // Now the held read goes: the graph refuses it (its session is over). The page marks each
    // refusal it has parsed with a task queued after the parse, so the code handling that answer
    // has run when the mark is seen: a positive signal, not a sleep.
    await page.evaluate(`(() => {
      window.refusalsParsed = 0;
      const json = Response.prototype.json;
      Response.prototype.json = function () {
        return json.call(this).then((body) => {
          if (JSON.stringify(body).includes('UNAUTHENTICATED')) setTimeout(() => (window.refusalsParsed += 1));
          return body;
        });
      };
    })()`);
    const late = page.waitForResponse((response) => isHeldRead(response.request()));
    release();
    const refusal = (await (await late).json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(refusal.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await page.waitForFunction('window.refusalsParsed === 1');
    // The refusal was about the first session: the second stays, with its page.
    expect(await storedToken()).toBe(second);
    expect(await page.getByRole('heading', { name: '受信箱' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'サインイン' }).count()).toBe(0);
    await page.unrouteAll();
    await page.reload();
    await page.getByRole('heading', { name: '受信箱' }).waitFor();
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
  });

  it('signs out: the page is the sign-in page, and a reload stays there', async () => {
    await signIn();
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('サインアウトしました。');
    await page.reload();
    await page.getByRole('heading', { name: 'サインイン' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});
