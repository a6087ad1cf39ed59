import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Path of the system Chromium, or undefined when none is installed (`.ci/run` installs Debian's). */
export function findChromium(): string | undefined {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p));
}

// A closed network: without these, Chromium keeps trying Google's hosts at every start.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface HeadlessBrowser {
  readonly browser: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Debian's headless Chromium through playwright-core with a throw-away profile.
 * Throws with the fix when Chromium is missing: browser tests are real tests, not optional.
 * @example const { browser, close } = await launchBrowser(); const page = await browser.newPage();
 */
export async function launchBrowser(): Promise<HeadlessBrowser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found: install it (`apt-get install chromium`) or set CHROMIUM_PATH.');
  const profile = mkdtempSync(join(tmpdir(), 'sightline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
  return {
    browser: context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser };
