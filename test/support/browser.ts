import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { bundledChromium } from './bundled-chromium.ts';

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Path of CHROMIUM_PATH or a system Chromium, or undefined when neither is there. */
export function findChromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, ...SYSTEM_CANDIDATES].find((p): p is string => !!p && isExecutableFile(p));
}

/**
 * The browser tests run: CHROMIUM_PATH, else the system's Chromium, else the one shipped in the
 * `@sparticuz/chromium` npm package (unpacked on first use). `bundled` forces the last.
 */
export async function resolveChromium(options: { bundled?: boolean } = {}): Promise<{ executablePath: string; env: Record<string, string>; source: 'system' | 'bundled' }> {
  const system = options.bundled ? undefined : findChromium();
  if (system) return { executablePath: system, env: {}, source: 'system' };
  const bundled = await bundledChromium();
  if (!bundled) throw new Error('No Chromium found and the bundled one is not installed: run `npm install`, or set CHROMIUM_PATH.');
  return { ...bundled, source: 'bundled' };
}

// A closed network: without these, Chromium keeps trying Google's hosts at every start.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface HeadlessBrowser {
  readonly browser: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium (see {@link resolveChromium}) through playwright-core with a throw-away
 * profile. Throws with the fix when no Chromium can be had: browser tests are real tests, not optional.
 * @example const { browser, close } = await launchBrowser(); const page = await browser.newPage();
 */
export async function launchBrowser(options: { bundled?: boolean } = {}): Promise<HeadlessBrowser & { source: 'system' | 'bundled' }> {
  const { executablePath, env, source } = await resolveChromium(options);
  const profile = mkdtempSync(join(tmpdir(), 'sightline-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    env: { ...(process.env as Record<string, string>), ...env },
  });
  return {
    source,
    browser: context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser };
