// Issue 18's "done when", in headless Chromium against a real Scouter and Kanohi: a config typed
// into the training page queues a job on an approved Hawk project (a drawn street whose people are
// labelled dark or light from their decoded upper-body pixels), the loss curve grows epoch by epoch
// over socket.io while Scouter's training worker runs it, the confusion matrix and the crops of the
// boxes the head gets wrong appear, and Deploy deploys the head. Then a camera asking for the head
// shows its values on Scouter's live tracks, and Kanohi offers the new attribute as a filter and a
// break-down of the tracks that camera put on a floor.
import { signIn, type SignedIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TrainMetrics } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { decodeImageRgb, frameFileName } from '@sightline/media';
import { buildApp as buildKanohi, type KanohiApp } from '../services/kanohi/src/app.ts';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';
import { buildScouter, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { startHawkApi, type HawkApiFixture } from '../services/scouter/test-support/hawk-api-fixture.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { drawPeopleFrames, upperLuma } from './support/drawn-people.ts';
import { logIn, reserveWebOrigin } from './support/web-login.ts';
import { startWebServer } from './support/web-server.ts';

const FRAMES = 24;
let db: TestDatabase;
let scouter: ScouterApp;
let hawk: HawkApiFixture;
let kanohi: KanohiApp;
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;
let operator: SignedIn;
let scouterUrl: string;
let kanohiUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'sightline-training-page-'));
/** Screenshots of each step, for a person to look at after a run. */
const shots = join(tmpdir(), 'sightline-training-browser');

before(async () => {
  db = await createTestDatabase();
  const q = (sql: string, params: unknown[]) => db.pool.query(sql, params).then((r) => r.rows[0] as { id: number });
  const user = await q(`INSERT INTO auth_users (username, password_hash, role) VALUES ('r', 'x', 'reviewer') RETURNING id`, []);
  const schema = { classes: [{ name: 'person', attributes: [{ name: 'upper_colour', type: 'select', options: ['dark', 'light'], default: 'dark' }] }] };
  const project = await q('INSERT INTO hawk_projects (name, label_schema, created_by) VALUES ($1, $2, $3) RETURNING id', ['street', JSON.stringify(schema), user.id]);
  const video = await q(`INSERT INTO hawk_videos (project_id, file_name, status, size_bytes, frame_count, width, height, fps, created_by) VALUES ($1, 'street.mp4', 'ready', 1, $2, 640, 360, 10, $3) RETURNING id`, [project.id, FRAMES, user.id]);
  const frames = join(dir, 'hawk', 'videos', String(video.id), 'frames');
  const tracks = drawPeopleFrames(frames, { frames: FRAMES, seed: 7 });
  const set = await q(`INSERT INTO hawk_annotation_sets (video_id, kind) VALUES ($1, 'main') RETURNING id`, [video.id]);
  // Each track's upper-body luma from the decoded frames; below the median is dark.
  const images = await Promise.all(Array.from({ length: FRAMES }, (_, f) => decodeImageRgb(join(frames, frameFileName(f)))));
  const lumas = tracks.map((t) => t.keyframes.reduce((s, k) => s + upperLuma(images[k.frame]!, k.xyxy), 0) / t.keyframes.length);
  const median = [...lumas].sort((a, b) => a - b)[Math.floor(lumas.length / 2)]!;
  for (const [i, t] of tracks.entries()) {
    const last = t.keyframes.at(-1)!;
    const keyframes = [...t.keyframes.map((k) => ({ ...k, outside: false })), ...(last.frame + 1 < FRAMES ? [{ frame: last.frame + 1, xyxy: last.xyxy, outside: true }] : [])];
    await q('INSERT INTO hawk_tracks (set_id, track_id, label, attributes, keyframes) VALUES ($1, $2, $3, $4, $5) RETURNING set_id AS id', [
      set.id, `t${t.id}`, 'person', JSON.stringify({ upper_colour: lumas[i]! < median ? 'dark' : 'light' }), JSON.stringify(keyframes),
    ]);
  }
  await q(`INSERT INTO hawk_reviews (set_id, frame_from, frame_to, decision, reviewer_id) VALUES ($1, 0, $2, 'approved', $3) RETURNING id`, [set.id, FRAMES - 1, user.id]);

  const webOrigin = await reserveWebOrigin();
  operator = await signIn(db.pool, 'operator');
  // Scouter's training reads the labels and frames through Hawk's API, with a read-only Hawk token.
  hawk = await startHawkApi(db.pool, join(dir, 'hawk'));
  scouter = await buildScouter({
    config: loadScouterConfig({}, { logLevel: 'silent', hawkUrl: hawk.url, hawkToken: hawk.token, webOrigins: webOrigin.origin, mediaRoots: tmpdir(), heartbeatMs: 300, batchMs: 300, previewFps: 2, inferenceThreads: 1 }),
    pool: db.pool,
  });
  await scouter.app.listen({ host: '127.0.0.1', port: 0 });
  scouterUrl = `http://127.0.0.1:${(scouter.app.server.address() as AddressInfo).port}`;
  kanohi = await buildKanohi({ config: loadKanohiConfig({}, { logLevel: 'silent', webOrigins: webOrigin.origin }), pool: db.pool });
  await kanohi.listen({ host: '127.0.0.1', port: 0 });
  await kanohi.kanohi.busReady;
  kanohiUrl = `http://127.0.0.1:${(kanohi.server.address() as AddressInfo).port}`;
  web = await startWebServer({ hawkUrl: scouterUrl, scouterUrl, kanohiUrl }, webOrigin.port);
  chromium = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await chromium?.close();
  await web?.close();
  await scouter?.app.close();
  await hawk?.close();
  await kanohi?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const api = async <T>(base: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${base}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { ...operator.headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
};

test('train from the page with live curves, see the wrong crops, deploy, see the attribute on live tracks and as a Kanohi filter', async (t) => {
  const page = await chromium.browser.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await logIn(page, `${web.url}/training`, operator);
  // A first visit says what the empty tables are for.
  await page.getByTestId('no-jobs').waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('no-heads').innerText(), /No heads yet/);
  const config = { project: 'street', attributes: ['upper_colour'], head: 'mlp', hidden: 16, epochs: 40, batchSize: 16, lr: 0.002, validation: { by: 'track', fraction: 0.3 } };
  // A bad value is refused, and the page shows the key.
  await page.locator('textarea[name="config"]').fill(JSON.stringify({ ...config, epochs: 0 }));
  await page.getByRole('button', { name: 'Queue jobs' }).click();
  await page.getByRole('alert').filter({ hasText: 'epochs:' }).waitFor({ timeout: 15_000 });

  await page.locator('textarea[name="config"]').fill(JSON.stringify(config));
  // Every redraw of the loss curve is recorded, so the test sees it grow rather than only its end.
  await page.evaluate(() => {
    const seen: number[] = ((window as unknown as { seen: number[] }).seen = []);
    new MutationObserver(() => {
      const n = Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? -1);
      if (n >= 0 && seen[seen.length - 1] !== n) seen.push(n);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-points'] });
  });
  await page.getByRole('button', { name: 'Queue jobs' }).click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) >= n, config.epochs, { timeout: 300_000 });
  const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
  const partial = seen.filter((n) => n > 0 && n < config.epochs);
  assert.ok(partial.length >= 2, `the curve was redrawn with ${JSON.stringify(seen)} epochs: it should grow while the job runs`);

  // The confusion matrix, and the boxes the head gets wrong as crops of their frames.
  await page.getByRole('table', { name: 'confusion matrix' }).waitFor({ timeout: 30_000 });
  const { rows: [job] } = await db.pool.query<{ metrics: TrainMetrics }>('SELECT metrics FROM scouter_training_jobs WHERE status = $1', ['done']);
  const wrong = job!.metrics.wrong;
  t.diagnostic(`validation accuracy ${job!.metrics.valAccuracy.toFixed(3)} (majority ${job!.metrics.majorityAccuracy.toFixed(3)}), ${wrong.length} wrong boxes`);
  assert.ok(wrong.length > 0, 'a head trained on a few boxes gets some validation boxes wrong');
  assert.ok(wrong.every((w) => w.xyxy?.length === 4), 'each wrong box keeps its place');
  await page.waitForFunction((n) => [...document.querySelectorAll<HTMLImageElement>('ul.wrong img')].filter((i) => i.complete && i.naturalWidth > 0).length === n, wrong.length, { timeout: 30_000 });
  const crops = await page.locator('ul.wrong img').evaluateAll((imgs) => imgs.map((i) => ({ w: (i as HTMLImageElement).naturalWidth, h: (i as HTMLImageElement).naturalHeight, alt: i.getAttribute('alt') })));
  assert.deepEqual(crops.map((c) => c.alt), wrong.map((w) => `${w.truth} labelled ${w.predicted}`));
  for (const [i, c] of crops.entries()) {
    const [x1, y1, x2, y2] = wrong[i]!.xyxy!;
    assert.equal(c.h, 128, 'crops are 128 px high');
    // The crop keeps the box's shape (10% margin each side, clipped at the frame's edges).
    assert.ok(Math.abs(c.w / c.h - (x2! - x1!) / (y2! - y1!)) < 0.35, `crop ${i} is ${c.w}x${c.h} for a ${x2! - x1!}x${y2! - y1!} box`);
  }
  await page.locator('ul.wrong').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, '1-training.png'), fullPage: true });

  assert.equal(await page.getByTestId('no-jobs').count(), 0, 'the empty-jobs text leaves once a job exists');
  const row = page.locator('[data-head="upper_colour@1"]');
  await row.waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('no-heads').count(), 0, 'the empty-heads text leaves once a head exists');
  await row.getByRole('button', { name: 'Deploy' }).click();
  await row.filter({ hasText: 'yes' }).waitFor({ timeout: 15_000 });
  const { rows } = await db.pool.query('SELECT name, version FROM scouter_attribute_heads WHERE deployed');
  assert.deepEqual(rows, [{ name: 'upper_colour', version: 1 }]);

  // A camera asking for the deployed head: its values on Scouter's live tracks.
  const clip = makePeopleClip(6);
  const camera = await api<{ id: number }>(scouterUrl, '/cameras', { name: 'street', uri: clip.path, fps: 10, loop: true, attributes: ['upper_colour'] });
  await page.goto(`${web.url}/scouter`);
  await page.locator('[data-camera="street"] .tile-open').click();
  const attribute = page.locator('[data-testid="live-attributes"] li').filter({ hasText: /upper_colour: (dark|light), \d+%/ }).first();
  await attribute.waitFor({ timeout: 240_000 });
  t.diagnostic(`a live track: ${await attribute.textContent()}`);
  await page.screenshot({ path: join(shots, '2-scouter-live.png'), fullPage: true });

  // Kanohi: a floor and the camera calibrated onto it (the frame's lower three quarters onto 30 x 15 m).
  const floor = await api<{ id: number }>(kanohiUrl, '/floors', { name: 'Street', widthM: 40, heightM: 25 });
  const { rows: [size] } = await db.pool.query<{ w: number; h: number }>('SELECT frame_width AS w, frame_height AS h FROM cameras WHERE id = $1', [camera.id]);
  const pairs: [[number, number], [number, number]][] = [[[0.05, 0.25], [5, 5]], [[0.95, 0.25], [35, 5]], [[0.95, 1], [35, 20]], [[0.05, 1], [5, 20]], [[0.5, 0.6], [20, 12]]];
  await api(kanohiUrl, `/cameras/${camera.id}/calibrations`, { floorId: floor.id, points: pairs.map(([[u, v], floorXy]) => ({ imageXy: [u * size!.w, v * size!.h], floorXy })) });
  // Tracks reach the floor with their head values; then the page offers the attribute.
  for (let i = 0; ; i++) {
    const { rows: [n] } = await db.pool.query<{ n: number }>(`SELECT count(DISTINCT track_id)::int AS n FROM floor_points WHERE floor_id = $1 AND attributes ? 'upper_colour'`, [floor.id]);
    if (n!.n >= 2) break;
    assert.ok(i < 600, 'Kanohi projects tracks that carry upper_colour');
    await new Promise((r) => setTimeout(r, 200));
  }
  await page.goto(`${web.url}/kanohi`);
  const attributeMenu = page.getByRole('combobox', { name: 'Attribute', exact: true });
  await page.waitForFunction(() => [...document.querySelectorAll('select[aria-label="Attribute"] option')].some((o) => o.textContent === 'upper_colour'), undefined, { timeout: 60_000 });
  await attributeMenu.selectOption('upper_colour');
  const valueMenu = page.getByRole('combobox', { name: 'Attribute value' });
  const options = await valueMenu.locator('option').allTextContents();
  t.diagnostic(`Kanohi offers upper_colour = ${options.join(', ')}`);
  assert.ok(options.length >= 1 && options.every((o) => /^(dark|light) \(\d+ tracks?\)$/.test(o)), JSON.stringify(options));
  // The value menu's track counts are the API's smoothed per-track values of the same window.
  const from = await page.locator('[data-testid="time-range"]').getAttribute('data-from');
  const to = await page.locator('[data-testid="time-range"]').getAttribute('data-to');
  const listed = await api<{ attributes: { name: string; values: { value: string; tracks: number }[] }[] }>(kanohiUrl, `/floors/${floor.id}/attributes?from=${from}&to=${to}`);
  const truth = listed.attributes.find((a) => a.name === 'upper_colour')!.values;
  assert.ok(truth.reduce((s, v) => s + v.tracks, 0) >= options.reduce((s, o) => s + Number(/\((\d+)/.exec(o)![1]), 0), 'the menu counts no more tracks than the floor holds');

  // Break the identity chart down by the trained attribute: its groups are the head's labels.
  await page.getByRole('combobox', { name: 'Break down' }).selectOption('attr:upper_colour');
  await page.waitForFunction(() => [...document.querySelectorAll('.kanohi-stats strong')].some((s) => /^(dark|light)$/.test(s.textContent ?? '')), undefined, { timeout: 60_000 });
  const groups = await page.locator('.kanohi-stats > div > strong').allTextContents();
  assert.ok(groups.every((g) => ['dark', 'light', 'unknown'].includes(g)), JSON.stringify(groups));
  await page.screenshot({ path: join(shots, '3-kanohi-filter.png'), fullPage: true });
  t.diagnostic(`screenshots in ${shots}`);
  assert.deepEqual(pageErrors, []);
});
