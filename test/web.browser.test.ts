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
import { logIn, reserveWebOrigin } from './support/web-login.ts';
import { signIn, type SignedIn } from '@sightline/auth/testing';

let db: TestDatabase;
let apps: ServiceApp[] = [];
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;

async function listen(app: ServiceApp): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

let admin: SignedIn;
before(async () => {
  db = await createTestDatabase();
  const { port, origin: webOrigins } = await reserveWebOrigin();
  apps = [
    await buildHawk({ config: loadHawkConfig({}, { logLevel: 'silent', webOrigins }), pool: db.pool }),
    await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', webOrigins }), pool: db.pool }),
    await buildKanohi({ config: loadKanohiConfig({}, { logLevel: 'silent', webOrigins }), pool: db.pool }),
  ];
  admin = await signIn(db.pool, 'admin');
  const [hawkUrl, scouterUrl, kanohiUrl] = await Promise.all(apps.map(listen));
  web = await startWebServer({ hawkUrl, scouterUrl, kanohiUrl }, port);
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
  await logIn(page, web.url, admin);
  for (const service of ['hawk', 'scouter', 'kanohi']) {
    await page.locator(`[data-testid="status-${service}"][data-state="online"]`).waitFor({ timeout: 15_000 });
  }
  const nav = await page.locator('header nav').innerText();
  assert.match(nav, /Hawk[\s\S]*Scouter[\s\S]*Kanohi/);
});

test('client-side routes load directly, and /kanohi draws a Leaflet floor map', async () => {
  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/kanohi`, admin);
  // Leaflet draws the placeholder floor (outline + 5 m grid lines) as SVG paths in the overlay pane.
  const paths = page.locator('[data-testid="floor-map"] .leaflet-overlay-pane path');
  await paths.first().waitFor({ state: 'attached', timeout: 15_000 });
  assert.ok((await paths.count()) >= 10, `expected the floor outline and grid lines, got ${await paths.count()} paths`);
  const box = await page.locator('[data-testid="floor-map"]').boundingBox();
  assert.ok(box && box.width > 300 && box.height > 200, 'the map has a visible size');
});

test('one login serves every area, under a CSP the page keeps to; logging out closes them all', async () => {
  const page = await chromium.browser.newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const response = await page.goto(web.url);
  assert.match(String(response?.headers()['content-security-policy']), /script-src 'self'/);
  await page.getByTestId('login-username').waitFor();
  assert.equal(await page.getByTestId('session-user').count(), 0, 'anonymous visitors see the login form');
  const operator = await signIn(db.pool, 'operator');
  await logIn(page, `${web.url}/scouter`, operator);
  await page.getByLabel('Camera name').waitFor({ timeout: 15_000 });
  await page.locator('header nav').getByText('Kanohi').click();
  await page.locator('[data-testid="floor-map"] .leaflet-overlay-pane path').first().waitFor({ state: 'attached', timeout: 15_000 });
  assert.equal(await page.getByTestId('login-username').count(), 0, 'no second login on Kanohi');
  await page.locator('header nav').getByText('Scouter').click();
  await page.getByLabel('Camera name').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('login-username').count(), 0, 'no second login on Scouter');
  await page.locator(`[data-testid="status-kanohi"][data-state="online"]`).waitFor({ timeout: 15_000 });
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor({ timeout: 10_000 });
  assert.deepEqual(violations, [], 'no CSP violations');
});

test('a stopped service shows as offline', async () => {
  const scouter = apps[1]!;
  await scouter.close();
  const page = await chromium.browser.newPage();
  await logIn(page, web.url, admin);
  await page.locator('[data-testid="status-hawk"][data-state="online"]').waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="status-scouter"]:not([data-state="online"])').waitFor({ timeout: 15_000 });
});
