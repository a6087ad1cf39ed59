// The React app in real headless Chromium against the three real services on loopback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import type { ServiceApp } from '@sightline/server-kit';
import { buildApp as buildHawk } from '@sightline/hawk';
import { loadHawkConfig } from '../services/hawk/src/config.ts';
import { buildApp as buildScouter } from '@sightline/scouter';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { buildApp as buildKanohi } from '@sightline/kanohi';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { startWebServer } from './support/web-server.ts';

let db: TestDatabase;
let apps: ServiceApp[] = [];
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;

async function listen(app: ServiceApp): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

before(async () => {
  db = await createTestDatabase();
  apps = [
    await buildHawk({ config: loadHawkConfig({}, { logLevel: 'silent' }), pool: db.pool }),
    await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent' }), pool: db.pool }),
    await buildKanohi({ config: loadKanohiConfig({}, { logLevel: 'silent' }), pool: db.pool }),
  ];
  const [hawkUrl, scouterUrl, kanohiUrl] = await Promise.all(apps.map(listen));
  web = await startWebServer({ hawkUrl, scouterUrl, kanohiUrl });
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await web?.close();
  await Promise.all(apps.map((a) => a.close()));
  await db?.drop();
});

test('home page shows the three areas and every service badge turns online over socket.io', async () => {
  const page = await chromium.browser.newPage();
  await page.goto(web.url);
  for (const service of ['hawk', 'scouter', 'kanohi']) {
    await page.locator(`[data-testid="status-${service}"][data-state="online"]`).waitFor({ timeout: 15_000 });
  }
  const nav = await page.locator('header nav').innerText();
  assert.match(nav, /Hawk[\s\S]*Scouter[\s\S]*Kanohi/);
});

test('client-side routes load directly, and /kanohi draws a Leaflet floor map', async () => {
  const page = await chromium.browser.newPage();
  await page.goto(`${web.url}/kanohi`);
  // Leaflet draws the placeholder floor (outline + 5 m grid lines) as SVG paths in the overlay pane.
  const paths = page.locator('[data-testid="floor-map"] .leaflet-overlay-pane path');
  await paths.first().waitFor({ state: 'attached', timeout: 15_000 });
  assert.ok((await paths.count()) >= 10, `expected the floor outline and grid lines, got ${await paths.count()} paths`);
  const box = await page.locator('[data-testid="floor-map"]').boundingBox();
  assert.ok(box && box.width > 300 && box.height > 200, 'the map has a visible size');
});

test('a stopped service shows as offline', async () => {
  const scouter = apps[1]!;
  await scouter.close();
  const page = await chromium.browser.newPage();
  await page.goto(web.url);
  await page.locator('[data-testid="status-hawk"][data-state="online"]').waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="status-scouter"]:not([data-state="online"])').waitFor({ timeout: 15_000 });
});
