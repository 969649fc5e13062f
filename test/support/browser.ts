// A real browser for the console's tests: Debian's chromium (Playwright's own
// download is not reachable on our build machines; .ci/run installs the
// package), driven by playwright-core, and the screenshots `npm run
// screenshots` keeps in docs/screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian's chromium package puts the browser; CHROMIUM_PATH names another. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath))
    throw new Error(`no browser at ${chromiumPath}: install Debian's chromium package (.ci/run does)`);
  return chromium.launch({ executablePath: chromiumPath });
}

/** Saves the page as <name>.png when CONSOLE_SCREENSHOTS names a directory (npm run screenshots); else nothing. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Opens the console at `origin` and signs in on its (Japanese) sign-in page; resolves once the inbox shows. */
export async function signInToConsole(page: Page, origin: string, accountId: string, password: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel('アカウントID').fill(accountId);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'サインイン' }).click();
  await page.getByRole('heading', { name: '受信箱' }).waitFor();
}
