// The /kanohi page's other paths in headless Chromium against the real Kanohi and PostgreSQL:
// setting the scale by two clicks on an uploaded plan, drawing a zone and reading its occupancy,
// history over the hours with data (slider, play-back, Now), renaming a zone, and deleting a zone
// and a line. Observations are stored (as Scouter does) before the camera is calibrated, so the
// backfill job is what brings them onto the floor.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { PolygonZone, type Xy } from '@sightline/vision';
import type { Page } from 'playwright-core';
import { buildApp, type KanohiApp } from '../services/kanohi/src/app.ts';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';
import { syntheticCamera } from '../packages/vision/src/floor/synthetic-camera.test-support.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { drawPng, insertBatch, insertCamera, insertTrack } from '../services/kanohi/src/testing/scouter-rows.ts';
import { startWebServer } from './support/web-server.ts';
import { logIn, reserveWebOrigin } from './support/web-login.ts';
import { injectAs, signIn, type SignedIn } from '@sightline/auth/testing';

const FRAME: Xy = [640, 480];
let floorWh: Xy = [40, 25];

let db: TestDatabase;
let app: KanohiApp;
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;
let operator: SignedIn;
let webOrigin: { port: number; origin: string };

before(async () => {
  db = await createTestDatabase();
  webOrigin = await reserveWebOrigin();
  operator = await signIn(db.pool, 'operator');
  app = await buildApp({ config: loadKanohiConfig({}, { logLevel: 'silent', webOrigins: webOrigin.origin }), pool: db.pool });
  injectAs(app, operator);
  await app.listen({ host: '127.0.0.1', port: 0 });
  await app.kanohi.busReady;
  web = await startWebServer({ hawkUrl: 'http://127.0.0.1:9', scouterUrl: 'http://127.0.0.1:9', kanohiUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` }, webOrigin.port);
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await web?.close();
  await app?.close();
  await db?.drop();
});

async function clickFloor(page: Page, [x, y]: Xy): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const mapBox = (await page.locator('[data-testid="floor-map"]').boundingBox())!;
    const outline = (await page.locator('[data-testid="floor-map"] path.kanohi-floor-outline').boundingBox())!;
    const position = { x: outline.x - mapBox.x + (x / floorWh[0]) * outline.width, y: outline.y - mapBox.y + (y / floorWh[1]) * outline.height };
    if ((position.x > 0 && position.x < mapBox.width && position.y > 0 && position.y < mapBox.height) || attempt === 20) {
      await page.locator('[data-testid="floor-map"]').click({ position, timeout: 5000 });
      return;
    }
    await page.waitForTimeout(100);
  }
}

const heatTotal = (page: Page) => page.locator('[data-testid="heatmap-legend"]').getAttribute('data-total').then(Number);

test('scale by two clicks, a drawn zone’s occupancy, play-back with the time slider, deleting a zone and a line', async () => {
  const page = await chromium.browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await logIn(page, `${web.url}/kanohi`, operator);
  await page.locator('[data-testid="new-floor-name"]').fill('Shop');
  await page.locator('[data-testid="create-floor"]').click();
  await page.locator('path.kanohi-floor-outline').waitFor();

  // A 400 x 250 px plan on the 40 x 25 m floor (0.1 m/px); two marks 10 m apart by that scale are
  // really 20 m apart: the floor doubles to 80 x 50 m.
  await page.locator('[data-testid="floor-image-file"]').setInputFiles({ name: 'plan.png', mimeType: 'image/png', buffer: drawPng(400, 250, (x, y) => [240, 240 - (x % 50 === 0 || y % 50 === 0 ? 80 : 0), 230]) });
  await page.locator('img.kanohi-floor-image').waitFor();
  await page.locator('[data-testid="tool-scale"]').click();
  await clickFloor(page, [5, 5]);
  await clickFloor(page, [15, 5]);
  await page.locator('[data-testid="scale-distance"]').fill('20');
  await page.locator('[data-testid="apply-scale"]').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="floor-select"] option')?.textContent?.includes('40.0 × 25.0'));
  const floor = (await app.inject({ method: 'GET', url: '/floors' })).json()[0];
  // Clicks land on screen pixels: the scale is right to the pixel the click could hit.
  assert.ok(Math.abs(floor.metersPerPixel - 0.2) < 0.004, `metres per pixel ${floor.metersPerPixel}`);
  assert.ok(Math.abs(floor.widthM - 80) < 1.6 && Math.abs(floor.heightM - 50) < 1, `floor ${floor.widthM} x ${floor.heightM} m`);
  floorWh = [floor.widthM, floor.heightM];

  // A camera whose observations were stored before its calibration: one walk 5 minutes ago, one 3 hours ago.
  const view = syntheticCamera('shop', { positionXyz: [30, 14, 7], targetXy: [30, 25], focalPx: 420, frameWh: FRAME });
  const cameraId = await insertCamera(db.pool, 'shop', FRAME, 10);
  const now = Date.now();
  const walks = [
    { start: now - 5 * 60_000, path: Array.from({ length: 30 }, (_, i): Xy => [24.13 + i * 0.4, 25.07]) },
    { start: now - 180 * 60_000, path: Array.from({ length: 20 }, (_, i): Xy => [35.13 - i * 0.4, 28.07]) },
  ];
  for (const [k, w] of walks.entries()) {
    const trackId = await insertTrack(db.pool, cameraId, k + 1, new Date(w.start));
    await insertBatch(db.pool, cameraId, w.path.map((p, i) => {
      const [u, v] = view.toImage(p)!;
      return { trackId, observedAt: new Date(w.start + i * 100), xyxy: [u - 10, v - 60, u + 10, v] as [number, number, number, number] };
    }));
  }
  const marks: Xy[] = [[24, 22], [36, 22], [36, 30], [24, 30], [30, 26]];
  const saved = await app.inject({ method: 'POST', url: `/cameras/${cameraId}/calibrations`, payload: { floorId: floor.id, points: marks.map((m) => ({ imageXy: view.toImage(m)!, floorXy: m })) } });
  assert.equal(saved.statusCode, 201, saved.body);
  await app.kanohi.backfill.idle();
  await page.reload();
  await page.locator('path.kanohi-floor-outline').waitFor();

  // The last 15 minutes show the recent walk only.
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="heatmap-legend"]')?.getAttribute('data-total')) === n, walks[0]!.path.length, { timeout: 15_000 });

  // A zone drawn around part of the recent walk: its occupancy is 1 person for the time inside.
  const zoneXy: Xy[] = [[26, 23], [30, 23], [30, 27], [26, 27]];
  await page.locator('[data-testid="tool-zone"]').click();
  for (const corner of zoneXy) await clickFloor(page, corner);
  await page.locator('[data-testid="shape-name"]').fill('till');
  await page.locator('[data-testid="save-shape"]').click();
  await page.locator('[data-testid="tool-zone"]').click();
  const zoneRow = page.locator('[data-testid="zone-stats-till"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="zone-stats-till"]')?.getAttribute('data-people') === '1', undefined, { timeout: 15_000 });
  const drawn = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/zones` })).json()[0];
  const zone = new PolygonZone(drawn.polygonXy);
  const insideS = walks[0]!.path.filter((p) => zone.contains(p)).length / 10;
  assert.ok(insideS > 0);
  assert.equal(await zoneRow.getAttribute('data-dwell'), insideS.toFixed(1), 'dwell is the walk’s time inside the clicked zone');

  // History: the slider moves over hours with data only (two here, 3 hours apart); with a 1 h window
  // the older hour shows the older walk, live markers are hidden, and "Now" returns to live.
  const hours = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/hours?from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}` })).json<{ hours: { start: string }[] }>().hours.map((h) => Date.parse(h.start));
  assert.equal(hours.length, 2, 'two hours with data');
  await page.locator('[data-testid="window-minutes"]').selectOption('60');
  assert.equal(await page.locator('[data-testid="time-slider"]').getAttribute('max'), '1', 'the slider has one stop per hour with data');
  await page.locator('[data-testid="time-slider"]').evaluate((el: HTMLInputElement) => {
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setValue.call(el, '0');
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="heatmap-legend"]')?.getAttribute('data-total')) === n, walks[1]!.path.length, { timeout: 15_000 });
  assert.equal(await page.locator('[data-testid="time-range"]').getAttribute('data-mode'), 'history');
  assert.equal(Date.parse((await page.locator('[data-testid="time-range"]').getAttribute('data-to'))!), hours[0]! + 3_600_000, 'the window is the older hour');
  assert.equal(await page.locator('[data-testid="live-count"]').getAttribute('data-markers'), '0', 'no live markers in history');
  // Play-back steps only through hours with data.
  await page.locator('[data-testid="play-history"]').click();
  const seen = new Set<number>();
  for (let i = 0; i < 40 && seen.size < 4; i++) {
    seen.add(Date.parse((await page.locator('[data-testid="time-range"]').getAttribute('data-to'))!));
    await page.waitForTimeout(250);
  }
  await page.locator('[data-testid="play-history"]').click();
  assert.ok(seen.size >= 3, `play-back moved (${seen.size} windows)`);
  for (const to of seen) assert.ok(hours.includes(Math.floor((to - 1) / 3_600_000) * 3_600_000), `window ending ${new Date(to).toISOString()} is in an hour with data`);
  await page.locator('[data-testid="mode-live"]').click();
  assert.equal(await page.locator('[data-testid="time-range"]').getAttribute('data-mode'), 'live');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="heatmap-legend"]')?.getAttribute('data-total')) === n, walks[0]!.path.length, { timeout: 15_000 });

  // The zone renamed from its row: the API and the map follow.
  await page.locator('[data-testid="rename-zone-till"]').click();
  await page.locator('[data-testid="rename-zone-till-input"]').fill('counter');
  await page.locator('[data-testid="rename-zone-till-save"]').click();
  await page.locator('[data-testid="zone-stats-counter"]').waitFor();
  assert.equal((await app.inject({ method: 'GET', url: `/floors/${floor.id}/zones` })).json()[0].name, 'counter');

  // A line drawn, then the line and the zone deleted from their rows.
  await page.locator('[data-testid="tool-line"]').click();
  await clickFloor(page, [28, 20]);
  await clickFloor(page, [28, 32]);
  await page.locator('[data-testid="shape-name"]').fill('aisle');
  await page.locator('[data-testid="save-shape"]').click();
  await page.locator('[data-testid="tool-line"]').click();
  await page.locator('[data-testid="line-count-aisle"]').waitFor();
  assert.equal(await page.locator('path.kanohi-line').count(), 1);
  await page.locator('[data-testid="delete-line-aisle"]').click();
  await page.locator('[data-testid="line-count-aisle"]').waitFor({ state: 'detached' });
  await page.locator('[data-testid="delete-zone-counter"]').click();
  await page.locator('[data-testid="zone-stats-counter"]').waitFor({ state: 'detached' });
  assert.equal(await page.locator('path.kanohi-line').count(), 0, 'the line left the map');
  assert.equal(await page.locator('path.kanohi-zone').count(), 0, 'the zone left the map');
  const left = await Promise.all(['zones', 'lines'].map(async (k) => (await app.inject({ method: 'GET', url: `/floors/${floor.id}/${k}` })).json().length));
  assert.deepEqual(left, [0, 0]);
  assert.deepEqual(pageErrors, []);
});
