// The "done when": a user adds a camera on /scouter in headless Chromium and the live view
// receives boxes of tracked people (real clip, real ffmpeg, CenterNet, ByteTrack), rows land in Postgres.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import type { InferenceStatus } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { probeVideoStream } from '@sightline/media';
import { buildScouter, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makePeopleClip, petsVideo } from '../services/scouter/test-support/clip-fixture.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { startWebServer } from './support/web-server.ts';
import { logIn, reserveWebOrigin } from './support/web-login.ts';
import { signIn, type SignedIn } from '@sightline/auth/testing';

let db: TestDatabase;
let scouter: ScouterApp;
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;
let operator: SignedIn;

before(async () => {
  db = await createTestDatabase();
  const webOrigin = await reserveWebOrigin();
  operator = await signIn(db.pool, 'operator');
  // Clips are made in the temp folder, and the evaluation data lives where SIGHTLINE_EVAL_DATA says.
  const mediaRoots = [tmpdir(), dirname(petsVideo)].join(',');
  scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', heartbeatMs: 300, batchMs: 200, webOrigins: webOrigin.origin, mediaRoots }), pool: db.pool });
  await scouter.app.listen({ host: '127.0.0.1', port: 0 });
  const scouterUrl = `http://127.0.0.1:${(scouter.app.server.address() as AddressInfo).port}`;
  // Only Scouter runs here; the other areas are not on this page.
  web = await startWebServer({ hawkUrl: 'http://127.0.0.1:9', scouterUrl, kanohiUrl: 'http://127.0.0.1:9' }, webOrigin.port);
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await web?.close();
  await scouter?.app.close();
  await db?.drop();
});

test('adding a camera on /scouter shows live boxes of tracked people, and rows land in Postgres', async (t) => {
  const clip = makePeopleClip(6);
  t.diagnostic(`clip from ${clip.source}`);
  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/scouter`, operator);
  await page.getByLabel('Camera name').fill('entrance');
  await page.getByLabel('Video file or stream URL').fill(clip.path);
  await page.getByRole('button', { name: 'Add camera' }).click();

  await page.locator('[data-camera="entrance"][data-state="running"]').waitFor({ timeout: 60_000 });
  const stats = page.locator('[data-camera="entrance"] [data-testid="live-stats"]:not([data-boxes="0"])');
  await stats.waitFor({ timeout: 60_000 });
  const text = await stats.innerText();
  assert.match(text, /^\d+ people · [\d.]+ fps · latency \d+ ms/);
  assert.ok(Number(await stats.getAttribute('data-boxes')) >= 1);

  // The page says which engine runs which network, as GET /inference does (rows in load order).
  const inference = (await scouter.app.inject({ method: 'GET', url: '/inference', headers: operator.headers })).json<InferenceStatus>();
  const centernet = inference.models.find((m) => m.model === 'centernet');
  assert.ok(centernet, `GET /inference lists centernet: ${JSON.stringify(inference)}`);
  const row = page.locator('.inference-engines tr[data-model="centernet"]');
  await row.waitFor({ timeout: 30_000 });
  assert.equal(await row.getAttribute('data-backend'), centernet.backend);
  assert.deepEqual(await row.locator('td').allInnerTexts(), ['centernet', centernet.backend, `SIGHTLINE_BACKEND ${centernet.choice}`, centernet.reason]);
  if (process.env.SIGHTLINE_SCREENSHOTS) await page.screenshot({ path: join(process.env.SIGHTLINE_SCREENSHOTS, 'scouter-inference-engines.png'), fullPage: true });

  // Boxes were drawn: the canvas has the frame's size and coloured (non-grey) pixels.
  const drawn = await page.locator('[data-camera="entrance"] [data-testid="live-canvas"]').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.max(d[i]!, d[i + 1]!, d[i + 2]!) - Math.min(d[i]!, d[i + 1]!, d[i + 2]!) > 120) coloured++;
    return { width: c.width, height: c.height, coloured };
  });
  assert.ok(drawn.width > 0 && drawn.height > 0, 'the canvas took the frame size');
  assert.ok(drawn.coloured > 50, `box outlines drawn (${drawn.coloured} saturated pixels)`);

  let stored = 0;
  for (let i = 0; i < 50 && stored === 0; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 200));
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM observations o JOIN cameras c ON c.id = o.camera_id WHERE c.name = 'entrance'");
    stored = rows[0]!.n;
  }
  assert.ok(stored > 0, 'observations of the camera are stored in PostgreSQL');

  // A bad path is refused on the page with the server's message, and nothing is added.
  await page.getByLabel('Camera name').fill('ghost');
  await page.getByLabel('Video file or stream URL').fill('/no/such/video.avi');
  await page.getByRole('button', { name: 'Add camera' }).click();
  await page.getByRole('alert').filter({ hasText: 'no video file' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('[data-camera="ghost"]').count(), 0);

  // Remove, in the camera's large view, asks first; "Keep it" keeps it, "Yes, remove" takes it off the grid.
  await page.locator('[data-camera="entrance"]').getByRole('button', { name: /entrance/ }).click();
  await page.getByRole('button', { name: 'Remove camera' }).click();
  await page.getByRole('button', { name: 'Keep it' }).click();
  assert.equal(await page.locator('[data-camera="entrance"]').count(), 1, 'nothing removed without confirmation');
  await page.getByRole('button', { name: 'Remove camera' }).click();
  await page.getByRole('button', { name: 'Yes, remove' }).click();
  await page.locator('[data-camera="entrance"]').waitFor({ state: 'detached', timeout: 10_000 });
});

test('the full PETS09 S2.L1 video typed as a relative path on /scouter shows live tracked people and stores rows', async (t) => {
  if (!existsSync(petsVideo)) {
    t.skip(`evaluation data absent (${petsVideo}); set SIGHTLINE_EVAL_DATA to run this`);
    return;
  }
  // What a new user types: the path from where Scouter runs (normally ../shared/data/video/pets09-s2l1.avi).
  const typed = relative(process.cwd(), petsVideo);
  t.diagnostic(`typed on the page: ${typed}`);
  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/scouter`, operator);
  await page.getByLabel('Camera name').fill('pets09');
  await page.getByLabel('Video file or stream URL').fill(typed);
  await page.getByRole('button', { name: 'Add camera' }).click();
  await page.locator('[data-camera="pets09"][data-state="running"]').waitFor({ timeout: 60_000 });
  // PETS09 S2.L1 has several people in view at once: wait for a frame with at least three boxes.
  const stats = page.locator('[data-camera="pets09"] [data-testid="live-stats"]:not([data-boxes="0"]):not([data-boxes="1"]):not([data-boxes="2"])');
  await stats.waitFor({ timeout: 60_000 });
  t.diagnostic(await stats.innerText());
  const drawn = await page.locator('[data-camera="pets09"] [data-testid="live-canvas"]').evaluate((c: HTMLCanvasElement) => ({ width: c.width, height: c.height }));
  const info = await probeVideoStream(petsVideo);
  assert.deepEqual(drawn, { width: info.width, height: info.height }, 'the live view has the video\'s frame size');

  const rows = await (async () => {
    for (let i = 0; i < 50; i++) {
      const { rows } = await db.pool.query<{ n: number; tracks: number }>(
        "SELECT count(*)::int AS n, count(DISTINCT o.track_id)::int AS tracks FROM observations o JOIN cameras c ON c.id = o.camera_id WHERE c.name = 'pets09'",
      );
      if (rows[0]!.n > 0 && rows[0]!.tracks >= 3) return rows[0]!;
      await new Promise((r) => setTimeout(r, 200));
    }
    return undefined;
  })();
  assert.ok(rows, 'observations of at least three tracks stored in PostgreSQL');
  t.diagnostic(`${rows.n} observations of ${rows.tracks} tracks stored so far`);
  await page.locator('[data-camera="pets09"]').getByRole('button', { name: /pets09/ }).click();
  await page.getByRole('button', { name: 'Remove camera' }).click();
  await page.getByRole('button', { name: 'Yes, remove' }).click();
  await page.locator('[data-camera="pets09"]').waitFor({ state: 'detached', timeout: 10_000 });
});
