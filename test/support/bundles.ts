// Runs a bundle's test files in this one jest file (test/bundles/plan.js says why and which):
// each inside a describe named after it, so its hooks apply to its own tests only and every
// result and failure names the file it came from.
import path from 'node:path';
import { repoPath } from '../../lib/repo-paths';
import { sharedBrowserSlot } from './shared-browser';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module shared with jest.config.js
const { bundleFiles } = require('../bundles/plan.js') as { bundleFiles(bundle: string): string[] };

export function runBundle(bundleFile: string): void {
  // The console files of a bundle drive one chromium (test/support/browser.ts), closed after the last.
  sharedBrowserSlot.keepForBundle();
  afterAll(() => sharedBrowserSlot.close());
  for (const file of bundleFiles(path.relative(repoPath(), bundleFile))) {
    describe(file, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the file registers its tests as it loads
      require(repoPath(file));
    });
  }
}
