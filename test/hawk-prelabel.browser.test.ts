// In headless Chromium, on /hawk: "Pre-label with detector" over a real clip of people runs the
// real detector in a Scouter worker; the page follows the job over socket.io, reloads the set and
// shows the model's boxes on the canvas, where they can be edited. Running it again with "replace
// earlier model boxes" leaves as many boxes as one run, not twice as many.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HawkAnnotations } from '@sightline/contracts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { bearer, testSchema, type HawkFixture } from '../services/hawk/src/testing/hawk-fixture.ts';
import { expandFrames } from '../services/hawk/src/services/track-interpolation.ts';
import { startPrelabelServices, type PrelabelServices } from './support/prelabel-services.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { startWebServer } from './support/web-server.ts';
import { logIn, reserveWebOrigin } from './support/web-login.ts';

let services: PrelabelServices;
let hawk: HawkFixture;
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;
let webOrigin: { port: number; origin: string };
let setId: number;
let frameCount: number;

before(async () => {
  webOrigin = await reserveWebOrigin();
  services = await startPrelabelServices({ webOrigins: webOrigin.origin });
  hawk = services.hawk;
  const project = await hawk.app.inject({ method: 'POST', url: '/projects', headers: bearer(hawk.adminToken), payload: { name: 'people', labelSchema: testSchema } });
  const video = await hawk.upload(project.json().id, makePeopleClip(2, 5).path);
  assert.equal(video.status, 'ready', video.error ?? '');
  frameCount = video.frameCount;
  const sets = (await hawk.app.inject({ method: 'GET', url: `/videos/${video.id}/sets`, headers: bearer(hawk.adminToken) })).json() as { id: number; kind: string }[];
  setId = sets.find((s) => s.kind === 'main')!.id;
  web = await startWebServer({ hawkUrl: services.hawkUrl, scouterUrl: 'http://127.0.0.1:9', kanohiUrl: 'http://127.0.0.1:9' }, webOrigin.port);
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await web?.close();
  await services?.close();
});

/** Boxes of frame 0 in the stored set, by the run that made them. */
async function storedOnFrame0(): Promise<{ ids: string[]; version: number }> {
  const a = (await hawk.app.inject({ method: 'GET', url: `/sets/${setId}/annotations`, headers: bearer(hawk.adminToken) })).json() as HawkAnnotations;
  return { ids: (expandFrames(a.frames, a.tracks, 0, 0).get(0) ?? []).map((b) => b.id), version: a.set.version };
}

async function runPrelabel(page: Page, previousJob: string | null): Promise<{ job: string; via: string }> {
  await page.getByTestId('hawk-prelabel-run').click();
  const status = page.getByTestId('hawk-prelabel-status');
  await page.waitForFunction(
    (prev) => {
      const el = document.querySelector('[data-testid="hawk-prelabel-status"]') as HTMLElement | null;
      return !!el && el.dataset.job !== prev && (el.dataset.status === 'applied' || el.dataset.status === 'failed');
    },
    previousJob,
    { timeout: 60_000 },
  );
  assert.equal(await status.getAttribute('data-status'), 'applied', await status.innerText());
  return { job: (await status.getAttribute('data-job'))!, via: (await status.getAttribute('data-via'))! };
}

const shownCount = async (page: Page) => Number(await page.getByTestId('hawk-box-count').getAttribute('data-count'));

test('pre-label from the page: model boxes appear on the canvas, are editable, and a replacing rerun does not duplicate them', { timeout: 120_000 }, async () => {
  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/hawk`, { username: 'admin', password: 'admin-password' });
  await page.goto(`${web.url}/hawk/sets/${setId}`);
  await page.locator('[data-testid="hawk-canvas"][data-frame-shown="0"]').waitFor();
  assert.equal(await shownCount(page), 0, 'the set starts empty');

  // Defaults: the whole video, person <- person, replace on.
  assert.equal(await page.getByTestId('hawk-prelabel-to').inputValue(), String(frameCount));
  assert.ok(await page.getByTestId('hawk-prelabel-class-person').isChecked());
  assert.ok(await page.getByTestId('hawk-prelabel-replace').isChecked());

  const first = await runPrelabel(page, null);
  assert.equal(first.via, 'socket', 'the result came from the hawk:prelabel event, not a poll');
  assert.match(await page.getByTestId('hawk-prelabel-status').innerText(), /added \d+ boxes \(\d+ tracks\)/);
  const afterFirst = await storedOnFrame0();
  assert.ok(afterFirst.ids.length > 0 && afterFirst.ids.every((id) => id.startsWith(`model-${first.job}-`)), `model boxes on frame 0: ${afterFirst.ids.join(', ')}`);
  await page.locator(`[data-testid="hawk-save-state"][data-state="saved"][data-version="${afterFirst.version}"]`).waitFor({ timeout: 10_000 });
  assert.equal(await shownCount(page), afterFirst.ids.length, 'the canvas shows the stored model boxes without a manual reload');

  // Editable: select one with Tab, delete it; the page saves a new version on top of the model's.
  await page.getByTestId('hawk-canvas').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Delete');
  await page.locator(`[data-testid="hawk-save-state"][data-state="saved"][data-version="${afterFirst.version + 1}"]`).waitFor({ timeout: 10_000 });
  assert.equal(await shownCount(page), afterFirst.ids.length - 1);

  // Again with replace: the first run's untouched boxes make way; one run's worth is shown.
  const second = await runPrelabel(page, first.job);
  assert.match(await page.getByTestId('hawk-prelabel-status').innerText(), /replacing \d+ earlier model/);
  const afterSecond = await storedOnFrame0();
  await page.locator(`[data-testid="hawk-save-state"][data-state="saved"][data-version="${afterSecond.version}"]`).waitFor({ timeout: 10_000 });
  assert.deepEqual(afterSecond.ids.filter((id) => id.startsWith(`model-${first.job}-`)), [], 'no box of the first run is left on frame 0');
  assert.equal(afterSecond.ids.length, afterFirst.ids.length, 'same detector on the same frame: as many boxes as after one run');
  assert.equal(await shownCount(page), afterFirst.ids.length, 'the canvas shows one run of boxes, not two');
  assert.ok(Number(second.job) > Number(first.job));

  // The detector menu: NanoDet on a Scouter without its weights (this process's Scouter, an empty
  // model cache) fails, and the page says which command fetches them.
  assert.equal(await page.getByTestId('hawk-prelabel-model').inputValue(), 'centernet');
  await page.getByTestId('hawk-prelabel-model').selectOption('nanodet');
  const cache = process.env.SIGHTLINE_MODEL_CACHE;
  process.env.SIGHTLINE_MODEL_CACHE = mkdtempSync(join(tmpdir(), 'no-weights-'));
  try {
    await page.getByTestId('hawk-prelabel-run').click();
    // The job fails within milliseconds, often before the POST's answer reaches the page: the page
    // must still show it ended (it reads the job once when it starts following it).
    await page
      .waitForFunction((prev) => {
        const el = document.querySelector('[data-testid="hawk-prelabel-status"]') as HTMLElement | null;
        return !!el && el.dataset.job !== prev && el.dataset.status === 'failed';
      }, second.job, { timeout: 60_000 })
      .catch(async (err: Error) => {
        const panel = await page.getByTestId('hawk-prelabel').innerText();
        throw new Error(`${err.message}; the panel shows: ${panel}`);
      });
  } finally {
    if (cache === undefined) delete process.env.SIGHTLINE_MODEL_CACHE;
    else process.env.SIGHTLINE_MODEL_CACHE = cache;
  }
  assert.match(await page.getByTestId('hawk-prelabel-status').innerText(), /failed: this Scouter cannot run nanodet yet: .*npx sightline models fetch nanodet/);
});
