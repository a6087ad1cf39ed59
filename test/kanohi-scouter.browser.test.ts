// Issue 7's "done when" with the real Scouter: Scouter (ffmpeg decode -> CenterNet -> ByteTrack ->
// observations + NOTIFY) runs a real clip of people (PETS09 cut by ffmpeg when the evaluation data
// is present, else the panned crowd photo Scouter's own tests use); Kanohi runs in the same process
// on the same test database. In headless Chromium a floor is made, the camera is calibrated by
// clicking point pairs on a still of the clip and on the floor map, a line is drawn, and the page
// must show live markers moving, a heatmap for the last minutes and the line count changing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import type { Page } from 'playwright-core';
import { buildApp, type KanohiApp } from '../services/kanohi/src/app.ts';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';
import { buildScouter, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { startWebServer } from './support/web-server.ts';
import { ffmpegPath } from '@sightline/media';

type Xy = [number, number];
const FLOOR_WH: Xy = [40, 25];

let db: TestDatabase;
let scouter: ScouterApp;
let kanohi: KanohiApp;
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;
let scouterUrl: string;

before(async () => {
  db = await createTestDatabase();
  scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', heartbeatMs: 300, batchMs: 300, previewFps: 0, inferenceThreads: 1 }), pool: db.pool });
  await scouter.app.listen({ host: '127.0.0.1', port: 0 });
  scouterUrl = `http://127.0.0.1:${(scouter.app.server.address() as AddressInfo).port}`;
  kanohi = await buildApp({ config: loadKanohiConfig({}, { logLevel: 'silent' }), pool: db.pool });
  await kanohi.listen({ host: '127.0.0.1', port: 0 });
  await kanohi.kanohi.busReady;
  const kanohiUrl = `http://127.0.0.1:${(kanohi.server.address() as AddressInfo).port}`;
  web = await startWebServer({ hawkUrl: 'http://127.0.0.1:9', scouterUrl, kanohiUrl });
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await web?.close();
  await scouter?.app.close();
  await kanohi?.close();
  await db?.drop();
});

/** The clip's first frame as a PNG, and its size (read from the PNG header). */
function firstFrame(clipPath: string): { png: Buffer; frameWh: Xy } {
  const out = join(dirname(clipPath), 'still.png');
  const run = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-i', clipPath, '-frames:v', '1', out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ffmpeg could not take a still of the clip: ${run.stderr}`);
  const png = readFileSync(out);
  return { png, frameWh: [png.readUInt32BE(16), png.readUInt32BE(20)] };
}

/** Clicks the map at a floor point, located through the floor outline Leaflet drew (once it has settled inside the map). */
async function clickFloor(page: Page, [x, y]: Xy): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const mapBox = (await page.locator('[data-testid="floor-map"]').boundingBox())!;
    const outline = (await page.locator('[data-testid="floor-map"] path.kanohi-floor-outline').boundingBox())!;
    const position = { x: outline.x - mapBox.x + (x / FLOOR_WH[0]) * outline.width, y: outline.y - mapBox.y + (y / FLOOR_WH[1]) * outline.height };
    if ((position.x > 0 && position.x < mapBox.width && position.y > 0 && position.y < mapBox.height) || attempt === 20) {
      await page.locator('[data-testid="floor-map"]').click({ position, timeout: 5000 });
      return;
    }
    await page.waitForTimeout(100);
  }
}

const markerCentres = (page: Page) =>
  page.locator('[data-testid="floor-map"] path.kanohi-marker').evaluateAll((paths) => paths.map((p) => p.getBoundingClientRect()).map((r) => `${Math.round(r.x + r.width / 2)},${Math.round(r.y + r.height / 2)}`));

test('real Scouter on a clip of people: calibrated on the page, markers move, heatmap renders, line count changes', async (t) => {
  const started = performance.now();
  const clip = makePeopleClip(8);
  const { png, frameWh } = firstFrame(clip.path);
  t.diagnostic(`clip from ${clip.source}, ${frameWh[0]}x${frameWh[1]}`);

  // The camera exists in Scouter (disabled) before the page opens, so Kanohi lists it.
  const created = await fetch(`${scouterUrl}/cameras`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'hall', uri: clip.path, fps: 10, loop: true, enabled: false }) });
  assert.equal(created.status, 201, await created.clone().text());
  const cameraId = ((await created.json()) as { id: number }).id;

  const page = await chromium.browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${web.url}/kanohi`);
  await page.locator('[data-testid="new-floor-name"]').fill('Hall');
  await page.locator('[data-testid="create-floor"]').click();
  await page.locator('path.kanohi-floor-outline').waitFor();

  // Calibration: the frame's lower three quarters onto a 30 x 15 m rectangle of the floor (the
  // image's left-right order becomes the floor's x), four pairs clicked on the still and the map.
  await page.locator('[data-testid="tool-calibrate"]').click();
  await page.locator('[data-testid="snapshot-file"]').setInputFiles({ name: 'hall.png', mimeType: 'image/png', buffer: png });
  const still = page.locator('[data-testid="snapshot-image"]');
  await page.waitForFunction((w) => (document.querySelector('[data-testid="snapshot-image"]') as HTMLImageElement | null)?.naturalWidth === w, frameWh[0]);
  const pairs: [Xy, Xy][] = [
    [[0.05, 0.25], [5, 5]],
    [[0.95, 0.25], [35, 5]],
    [[0.95, 1], [35, 20]],
    [[0.05, 1], [5, 20]],
  ];
  for (const [[fu, fv], floorXy] of pairs) {
    const box = (await still.boundingBox())!;
    await still.click({ position: { x: fu * box.width, y: Math.min(box.height - 1, fv * box.height) } });
    await clickFloor(page, floorXy);
  }
  await page.locator('[data-testid="calibration-status"]').waitFor();
  await page.locator('[data-testid="save-calibration"]').click();
  await page.locator('[data-testid="calibration-message"]', { hasText: 'Saved calibration version 1' }).waitFor();

  // A counting line across the floor's middle, where the frame's centre column lands.
  await page.locator('[data-testid="tool-calibrate"]').click();
  await page.locator('[data-testid="tool-line"]').click();
  await clickFloor(page, [20, 1]);
  await clickFloor(page, [20, 24]);
  await page.locator('[data-testid="shape-name"]').fill('middle');
  await page.locator('[data-testid="save-shape"]').click();
  const lineRow = page.locator('[data-testid="line-count-middle"]');
  await lineRow.waitFor();
  assert.deepEqual([await lineRow.getAttribute('data-in'), await lineRow.getAttribute('data-out')], ['0', '0'], 'nothing crossed before Scouter runs');
  await page.locator('[data-testid="tool-line"]').click();

  // Scouter starts the camera: decode, detect, track, store, NOTIFY; Kanohi projects and pushes.
  const enabled = await fetch(`${scouterUrl}/cameras/${cameraId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: true }) });
  assert.equal(enabled.status, 200, await enabled.clone().text());
  await page.locator('[data-testid="live-count"]:not([data-count="0"])').waitFor({ timeout: 45_000 });
  const first = await markerCentres(page);
  await page.waitForFunction(
    (before) => {
      const now = [...document.querySelectorAll('[data-testid="floor-map"] path.kanohi-marker')].map((p) => p.getBoundingClientRect()).map((r) => `${Math.round(r.x + r.width / 2)},${Math.round(r.y + r.height / 2)}`);
      return now.length > 0 && now.some((c) => !before.includes(c));
    },
    first,
    { timeout: 20_000 },
  );
  assert.ok((await page.locator('[data-testid="floor-map"] path.kanohi-trail').count()) >= 1, 'trails follow the markers');

  // The line count changes once a tracked person's floor path crosses the middle.
  await page.waitForFunction(() => {
    const row = document.querySelector('[data-testid="line-count-middle"]');
    return Number(row?.getAttribute('data-in')) + Number(row?.getAttribute('data-out')) > 0;
  }, undefined, { timeout: 40_000 });

  // The heatmap for the last minutes: a non-zero legend and coloured cells on the overlay.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="heatmap-legend"]')?.getAttribute('data-total')) > 0, undefined, { timeout: 15_000 });
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
    return n;
  });
  assert.ok(coloured > 0, 'heatmap cells are coloured');

  // What the page shows is what the database holds: Scouter's observations projected by Kanohi.
  const { rows } = await db.pool.query<{ observations: number; points: number }>(
    'SELECT (SELECT count(*) FROM observations WHERE camera_id = $1)::int AS observations, (SELECT count(*) FROM floor_points WHERE camera_id = $1)::int AS points',
    [cameraId],
  );
  assert.ok(rows[0]!.points > 0 && rows[0]!.points <= rows[0]!.observations, `${rows[0]!.points} floor points of ${rows[0]!.observations} observations`);
  t.diagnostic(`${rows[0]!.observations} observations, ${rows[0]!.points} floor points, line in/out ${await lineRow.getAttribute('data-in')}/${await lineRow.getAttribute('data-out')}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  assert.deepEqual(pageErrors, []);
});
