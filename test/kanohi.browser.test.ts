// Issue 7's "done when", in real headless Chromium against the real Kanohi and PostgreSQL: a floor
// and a camera calibration are entered through the /kanohi page (clicks on an uploaded camera still
// and on the map), a counting line is drawn on the map, then the test plays Scouter's part (rows in
// cameras/tracks/observations + NOTIFY observations_inserted; the real Scouter is a later issue)
// and the page must show live markers moving, a heatmap for the last minutes, and the line count change.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { LineCounter, projectPoint, type Xy } from '@sightline/vision';
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
const view = syntheticCamera('plaza', { positionXyz: [10, -6, 6], targetXy: [10, 5], focalPx: 450, frameWh: FRAME });
const FLOOR_WH: Xy = [40, 25]; // a floor created on the page without an image

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
  const kanohiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // Hawk and Scouter are not part of this test: their badges simply show offline.
  web = await startWebServer({ hawkUrl: 'http://127.0.0.1:9', scouterUrl: 'http://127.0.0.1:9', kanohiUrl }, webOrigin.port);
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await web?.close();
  await app?.close();
  await db?.drop();
});

/** Clicks the map at a floor point, located through the floor outline Leaflet drew. */
async function clickFloor(page: Page, [x, y]: Xy): Promise<void> {
  const mapBox = (await page.locator('[data-testid="floor-map"]').boundingBox())!;
  const outline = (await page.locator('[data-testid="floor-map"] path.kanohi-floor-outline').boundingBox())!;
  await page.locator('[data-testid="floor-map"]').click({ position: { x: outline.x - mapBox.x + (x / FLOOR_WH[0]) * outline.width, y: outline.y - mapBox.y + (y / FLOOR_WH[1]) * outline.height } });
}

async function markerCentres(page: Page): Promise<{ x: number; y: number }[]> {
  const boxes = await page.locator('[data-testid="floor-map"] path.kanohi-marker').evaluateAll((paths) => paths.map((p) => p.getBoundingClientRect()).map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 })));
  return boxes;
}

test('calibrate on the page, then live markers move, the heatmap renders and a line count changes', async () => {
  const cameraId = await insertCamera(db.pool, 'plaza', FRAME, 10);
  const page = await chromium.browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await logIn(page, `${web.url}/kanohi`, operator);

  // A floor, created on the page.
  await page.locator('[data-testid="new-floor-name"]').fill('Plaza');
  await page.locator('[data-testid="create-floor"]').click();
  await page.locator('[data-testid="floor-select"] option', { hasText: 'Plaza' }).waitFor({ state: 'attached' });
  await page.locator('path.kanohi-floor-outline').waitFor();

  // Calibration: upload a still of the camera, click 5 marks in it and the same marks on the map.
  await page.locator('[data-testid="tool-calibrate"]').click();
  await page.locator('[data-testid="snapshot-file"]').setInputFiles({ name: 'plaza.png', mimeType: 'image/png', buffer: drawPng(FRAME[0], FRAME[1], (x, y) => [(x * 255) / 640, (y * 255) / 480, 128]) });
  const still = page.locator('[data-testid="snapshot-image"]');
  await still.waitFor();
  await page.waitForFunction(() => (document.querySelector('[data-testid="snapshot-image"]') as HTMLImageElement | null)?.naturalWidth === 640);
  const marks: Xy[] = [[4, 2], [16, 2], [16, 8], [4, 8], [8, 6]];
  for (const mark of marks) {
    const [u, v] = view.toImage(mark)!;
    const box = (await still.boundingBox())!;
    await still.click({ position: { x: (u / FRAME[0]) * box.width, y: (v / FRAME[1]) * box.height } });
    await clickFloor(page, mark);
  }
  await page.locator('[data-testid="calibration-status"]').waitFor();
  const errors = (await page.locator('[data-testid="pair-error"]').allInnerTexts()).map(Number);
  assert.equal(errors.length, 5, 'one error per point pair');
  assert.ok(errors.every((e) => Number.isFinite(e) && e >= 0 && e < 0.5), `per-point errors ${errors}`);
  await page.locator('[data-testid="save-calibration"]').click();
  await page.locator('[data-testid="calibration-message"]', { hasText: 'Saved calibration version 1' }).waitFor();

  // What was clicked must be a usable calibration: true pixels land near their true floor points.
  const camera = (await app.inject({ method: 'GET', url: `/cameras/${cameraId}` })).json();
  assert.equal(camera.calibration.version, 1);
  for (const check of [[10, 5], [6, 3], [14, 7]] as Xy[]) {
    const p = projectPoint(camera.calibration.matrix, view.toImage(check)!)!;
    assert.ok(Math.hypot(p[0] - check[0], p[1] - check[1]) < 0.3, `floor ${check} projects to ${p}`);
  }

  // A counting line across the walkway, drawn on the map.
  await page.locator('[data-testid="tool-calibrate"]').click();
  await page.locator('[data-testid="tool-line"]').click();
  const lineXy: [Xy, Xy] = [[10, 9], [10, 1]];
  await clickFloor(page, lineXy[0]);
  await clickFloor(page, lineXy[1]);
  await page.locator('[data-testid="shape-name"]').fill('door');
  await page.locator('[data-testid="save-shape"]').click();
  const lineRow = page.locator('[data-testid="line-count-door"]');
  await lineRow.waitFor();
  assert.equal(await lineRow.getAttribute('data-in'), '0');
  await page.locator('[data-testid="tool-line"]').click();

  // Scouter's part: a person walks west along y = 5 through the line, one batch per second.
  const start = Date.now() - 4000;
  const trackId = await insertTrack(db.pool, cameraId, 1, new Date(start), { gender: { value: 'female', confidence: 0.9 } });
  const walk = Array.from({ length: 40 }, (_, i): Xy => [14.1 - i * 0.2, 5.05]);
  const expected = new LineCounter(lineXy[0], lineXy[1]);
  for (const p of walk) expected.update(1, p);
  assert.equal(expected.inCount, 1, 'the walk crosses the line once, inwards');
  const seen: { x: number; y: number }[] = [];
  for (let batch = 0; batch < 4; batch++) {
    const obs = walk.slice(batch * 10, batch * 10 + 10).map((p, k) => {
      const [u, v] = view.toImage(p)!;
      return { trackId, observedAt: new Date(start + (batch * 10 + k) * 100), xyxy: [u - 12, v - 70, u + 12, v] as [number, number, number, number] };
    });
    await insertBatch(db.pool, cameraId, obs);
    const previous = seen.at(-1);
    const centre = await page.waitForFunction(
      (prevX) => {
        const path = document.querySelector('[data-testid="floor-map"] path.kanohi-marker');
        if (!path) return undefined;
        const r = path.getBoundingClientRect();
        return prevX === null || Math.abs(r.x + r.width / 2 - prevX) > 2 ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : undefined;
      },
      previous?.x ?? null,
      { timeout: 15_000 },
    );
    seen.push((await centre.jsonValue())!);
  }
  assert.equal((await markerCentres(page)).length, 1, 'one person on the map');
  assert.ok(seen.every((c, i) => i === 0 || c.x < seen[i - 1]!.x), `the marker moves west: ${seen.map((c) => c.x.toFixed(0))}`);
  assert.ok((await page.locator('[data-testid="floor-map"] path.kanohi-trail').count()) >= 1, 'a trail follows the marker');
  // No one is seen after the walk: the marker fades out once the grace (KANOHI_MARKER_GRACE_MS) is over.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="floor-map"] path.kanohi-marker').length === 0, undefined, { timeout: 15_000 });
  assert.equal(await page.locator('[data-testid="live-count"]').getAttribute('data-count'), '0', 'no one tracked now');

  // The line count changes to what the walk implies.
  await page.waitForFunction(() => document.querySelector('[data-testid="line-count-door"]')?.getAttribute('data-in') === '1', undefined, { timeout: 15_000 });
  assert.equal(await lineRow.getAttribute('data-out'), String(expected.outCount));

  // The heatmap for the last minutes: legend totals every sample, the overlay has coloured cells.
  await page.waitForFunction(() => document.querySelector('[data-testid="heatmap-legend"]')?.getAttribute('data-total') === '40', undefined, { timeout: 15_000 });
  const coloured = await page.locator('img.kanohi-heatmap').evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return { n, w: img.naturalWidth, h: img.naturalHeight };
  });
  assert.deepEqual([coloured.w, coloured.h], [80, 50], '0.5 m cells over 40 x 25 m');
  assert.ok(coloured.n >= 5 && coloured.n <= 20, `the 8 m walk colours ${coloured.n} cells`);
  const download = page.waitForEvent('download');
  await page.locator('[data-testid="export-heatmap"]').click();
  assert.match((await download).suggestedFilename(), /^heatmap-Plaza_\d{8}T\d{6}Z_\d{8}T\d{6}Z\.png$/, 'the file name states the window');
  assert.deepEqual(pageErrors, []);
});
