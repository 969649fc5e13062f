// A real browser for the console's tests: Debian's chromium (Playwright's own
// download is not reachable on our build machines; .ci/run installs the
// package), driven by playwright-core, and the screenshots `npm run
// screenshots` keeps in docs/screenshots.
//
// What a browser costs, measured on the 2-core CI machine (the whole machine's CPU): launching
// chromium 1.4 CPU-s; a new context with a page that loads the console 2.5–3.2 CPU-s (a new
// profile starts its own renderer process); one more page in an existing context 0.8–1.0. The
// console keeps its session in the tab's sessionStorage, so tabs of one context are as separate
// as two browsers for signing in. So a test file gets one context for its tabs (`newPage`), and
// the files of a bundle share one chromium: its launch is paid once per bundle, and each file's
// contexts are closed when the file ends. A context of its own (`newContext`) is for what a
// context carries: a client certificate, or a second language preference (localStorage).
//
// A new tab is the dear part: measured on the 2-core machine (2026-12-07, the whole machine's CPU,
// the renderers that exited included), a new tab that signs in and is closed costs 1.1–1.3 CPU-s,
// signing in and out again in a tab already used 0.21–0.26, and reloading the console 0.23–0.25.
// So a test that is done with a tab releases it (`release`), and the file's next `newPage` gets it
// back with nothing of its use left: its session storage cleared, its document unloaded, the
// listeners and routes the test added removed.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { sharedBrowserSlot } from './shared-browser';

/** Where Debian's chromium package puts the browser; CHROMIUM_PATH names another. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath))
    throw new Error(`no browser at ${chromiumPath}: install Debian's chromium package (.ci/run does)`);
  // --disable-gpu: headless chromium otherwise composites through a software GPU process (SwiftShader),
  // which costs CPU and draws nothing a test reads. One console file (console-rooms, 7 tests), the
  // browser's CPU on the 2-core machine, 2026-12-06: 17.3 and 18.3 CPU-s without, 14.8 and 14.9 with.
  // (Turning site isolation off or the GPU in-process gained nothing measurable.)
  return chromium.launch({ executablePath: chromiumPath, args: ['--disable-gpu'] });
}

/** A test file's use of the browser: its tabs and contexts, all closed by close(). */
export interface ConsoleBrowser {
  /** A tab (Japanese locale) in the file's own context: one a test released, or a new one. */
  newPage(): Promise<Page>;
  /**
   * The test is done with the tab (from `newPage`): it is reset, as if new, for the next `newPage`.
   * A test that changed a tab in ways a reset cannot undo (its viewport, init scripts, exposed
   * functions) closes it instead.
   */
  release(page: Page): Promise<void>;
  /** A context of its own, for a client certificate or other context options. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Closes the file's contexts, and the browser too unless a bundle shares it. */
  close(): Promise<void>;
}

/**
 * The browser for one test file: the bundle's chromium when the file runs in a bundle, else its
 * own. `tabOptions` are the file's context's (time zone, viewport, permissions); Japanese unless they
 * say otherwise.
 */
export async function consoleBrowser(tabOptions: BrowserContextOptions = {}): Promise<ConsoleBrowser> {
  const browser = await sharedBrowserSlot.get(launchChromium);
  const contexts: BrowserContext[] = [];
  const newContext = async (options: BrowserContextOptions = {}) => {
    const context = await browser.newContext({ locale: 'ja-JP', ...options });
    contexts.push(context);
    return context;
  };
  let tabs: Promise<BrowserContext> | undefined;
  const released: Page[] = [];
  return {
    newPage: async () => {
      const again = released.pop();
      if (!again) return (await (tabs ??= newContext(tabOptions))).newPage();
      await again.bringToFront();
      return again;
    },
    release: async (page) => {
      try {
        await reset(page);
        released.push(page);
      } catch {
        // It could not be reset (closed already, or stuck): a new tab will take its place.
        await page.close().catch(() => undefined);
        return;
      }
      // Headless chromium draws only the front tab of a window at full rate: behind another, a tab
      // waits about two seconds for each click (Playwright waits for animation frames to see the
      // element stand still). Closing a tab brings the one before it to the front; releasing does too.
      await page
        .context()
        .pages()
        .filter((open) => !released.includes(open))
        .at(-1)
        ?.bringToFront();
    },
    newContext,
    close: async () => {
      released.length = 0;
      for (const context of contexts) await context.close();
      contexts.length = 0;
      await sharedBrowserSlot.release();
    },
  };
}

/**
 * The events a test may listen to on a tab. Not `close` and `crash`: Playwright listens to those
 * itself, to fail what is still waiting on a tab that went away.
 */
const testEvents = [
  'console',
  'dialog',
  'domcontentloaded',
  'download',
  'filechooser',
  'frameattached',
  'framedetached',
  'framenavigated',
  'load',
  'pageerror',
  'popup',
  'request',
  'requestfailed',
  'requestfinished',
  'response',
  'websocket',
  'worker',
] as const;

/** Undoes what a test did to a tab: its routes and listeners, the console's session (sessionStorage), the page. */
async function reset(page: Page): Promise<void> {
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  for (const event of testEvents) page.removeAllListeners(event);
  // The console keeps its session in the tab's sessionStorage, which outlives the document: cleared
  // while the console's origin is loaded, so the next sign-in in this tab starts signed out.
  if (page.url().startsWith('http')) await page.evaluate('sessionStorage.clear()');
  // Bounded: a tab that cannot leave its page within seconds is closed instead (release's catch).
  await page.goto('about:blank', { timeout: 5_000 });
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
