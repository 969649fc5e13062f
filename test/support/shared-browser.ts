// The one chromium of a jest file (test/support/browser.ts says why it is shared). Kept apart from
// browser.ts so that a bundle can close it without loading Playwright when none of its files used it.
import type { Browser } from 'playwright-core';

let browser: Promise<Browser> | undefined;
let bundled = false;

export const sharedBrowserSlot = {
  /** The jest file's browser, launched by `launch` on first use (and again if it crashed or failed to start). */
  async get(launch: () => Promise<Browser>): Promise<Browser> {
    const open = await browser?.catch(() => undefined);
    if (open?.isConnected()) return open;
    browser = launch();
    return browser;
  },
  /** A test file is done with it: closed now, unless the bundle closes it after its last file. */
  async release(): Promise<void> {
    if (!bundled) await this.close();
  },
  /** Called by a bundle: the browser outlives each file, and the bundle closes it at its end. */
  keepForBundle(): void {
    bundled = true;
  },
  async close(): Promise<void> {
    const open = browser;
    browser = undefined;
    if (open) await (await open.catch(() => undefined))?.close();
  },
};
