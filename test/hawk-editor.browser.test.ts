// The labeling canvas in headless Chromium, paths the upload/consensus test does not walk: undo and
// redo, Tab/Delete/class hotkeys, track mode with interpolation and the outside flag, zoom and pan
// keeping box coordinates in image pixels, and two pages saving the same frame (409, reload that
// re-applies the unsaved edits the other page did not collide with).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { HawkAnnotations } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import type { ServiceApp } from '@sightline/server-kit';
import { buildApp as buildHawk } from '@sightline/hawk';
import { loadHawkConfig } from '../services/hawk/src/config.ts';
import { expandFrames } from '../services/hawk/src/services/track-interpolation.ts';
import { makeTestVideo, testSchema } from '../services/hawk/src/testing/hawk-fixture.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { startWebServer } from './support/web-server.ts';
import { logIn, reserveWebOrigin } from './support/web-login.ts';

let db: TestDatabase;
let hawk: ServiceApp;
let hawkUrl: string;
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;
let webOrigin: { port: number; origin: string };
let work: string;
let adminToken: string;
let videoId: number;

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${hawkUrl}${path}`, { method, headers: { authorization: `Bearer ${adminToken}`, ...(body && !(body instanceof Buffer) ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body ? { body: body instanceof Buffer ? body : JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

before(async () => {
  webOrigin = await reserveWebOrigin();
  work = mkdtempSync(join(tmpdir(), 'hawk-editor-'));
  db = await createTestDatabase();
  hawk = await buildHawk({ config: loadHawkConfig({}, { logLevel: 'silent', webOrigins: webOrigin.origin, mediaDir: join(work, 'media'), adminPassword: 'admin-password' }), pool: db.pool });
  await hawk.listen({ host: '127.0.0.1', port: 0 });
  hawkUrl = `http://127.0.0.1:${(hawk.server.address() as AddressInfo).port}`;
  adminToken = (await (await fetch(`${hawkUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin-password' }) })).json()).token;
  const project = await call<{ id: number }>('POST', '/projects', { name: 'editor', labelSchema: testSchema });
  const bytes = readFileSync(makeTestVideo(join(work, 'clip.mp4'), { seconds: 2, fps: 10 }));
  videoId = (await call<{ id: number }>('POST', `/projects/${project.id}/videos`, { fileName: 'clip.mp4', sizeBytes: bytes.length, frameStep: 1 })).id;
  await call('PATCH', `/videos/${videoId}/content`, bytes, { 'content-type': 'application/octet-stream', 'upload-offset': '0' });
  for (let i = 0; i < 100 && (await call<{ status: string }>('GET', `/videos/${videoId}`)).status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
  web = await startWebServer({ hawkUrl, scouterUrl: 'http://127.0.0.1:9', kanohiUrl: 'http://127.0.0.1:9' }, webOrigin.port);
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await web?.close();
  await hawk?.close();
  await db?.drop();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh set of its own (an admin's replica) so tests do not see each other's boxes. */
async function newSet(): Promise<number> {
  const admin = await call<{ id: number }>('GET', '/auth/me');
  const a = await call<{ replicas: { id: number }[] }>('POST', `/videos/${videoId}/assignments`, { frameFrom: 0, frameTo: 19, annotatorIds: [admin.id] });
  return a.replicas[0]!.id;
}

async function open(setId: number): Promise<Page> {
  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/hawk`, { username: 'admin', password: 'admin-password' });
  await page.goto(`${web.url}/hawk/sets/${setId}`);
  await page.locator('[data-testid="hawk-canvas"][data-frame-shown="0"]').waitFor();
  return page;
}

type View = { scale: number; panX: number; panY: number };
async function viewOf(page: Page): Promise<View> {
  const [scale, panX, panY] = (await page.getByTestId('hawk-canvas').getAttribute('data-view'))!.split(',').map(Number) as [number, number, number];
  return { scale, panX, panY };
}

/** Screen point of an image point under the canvas's current view. */
async function screenAt(page: Page, x: number, y: number): Promise<[number, number]> {
  const r = (await page.getByTestId('hawk-canvas').boundingBox())!;
  const v = await viewOf(page);
  return [r.x + v.panX + x * v.scale, r.y + v.panY + y * v.scale];
}

async function drag(page: Page, from: [number, number], to: [number, number], shift = false): Promise<void> {
  if (shift) await page.keyboard.down('Shift');
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move((from[0] + to[0]) / 2, (from[1] + to[1]) / 2, { steps: 3 });
  await page.mouse.move(...to, { steps: 3 });
  await page.mouse.up();
  if (shift) await page.keyboard.up('Shift');
}

async function drawBox(page: Page, xyxy: [number, number, number, number]): Promise<void> {
  await drag(page, await screenAt(page, xyxy[0], xyxy[1]), await screenAt(page, xyxy[2], xyxy[3]));
}

const count = async (page: Page) => Number(await page.getByTestId('hawk-box-count').getAttribute('data-count'));
const waitCount = (page: Page, n: number) => page.locator(`[data-testid="hawk-box-count"][data-count="${n}"]`).waitFor({ timeout: 5000 });
const waitSaved = (page: Page, version: number) =>
  page
    .locator(`[data-testid="hawk-save-state"][data-state="saved"][data-version="${version}"]`)
    .waitFor({ timeout: 15_000 })
    .catch(async (err: Error) => assert.fail(`${err.message}\nsave state: ${await page.getByTestId('hawk-save-state').innerText()}; ${await page.locator('.hawk-error').allInnerTexts()}`));
const toFrame = (page: Page, f: number) => page.locator(`[data-testid="hawk-frame"][data-frame="${f}"]`).waitFor();
const near = (got: readonly number[], want: readonly number[], tol: number, what: string) => got.forEach((v, k) => assert.ok(Math.abs(v - want[k]!) <= tol, `${what} coord ${k}: ${v} vs ${want[k]}`));

async function serverBoxes(setId: number) {
  const a = await call<HawkAnnotations>('GET', `/sets/${setId}/annotations`);
  return { a, frames: expandFrames(a.frames, a.tracks, 0, 19) };
}

test('undo and redo by keys and buttons; the undone state is what gets saved', { timeout: 60_000 }, async () => {
  const setId = await newSet();
  const page = await open(setId);
  await drawBox(page, [20, 20, 80, 120]);
  await waitCount(page, 1);
  await drawBox(page, [150, 30, 200, 100]);
  await waitCount(page, 2);
  await page.keyboard.press('Control+z');
  await waitCount(page, 1);
  await page.keyboard.press('Control+Shift+z');
  await waitCount(page, 2);
  await page.getByTestId('hawk-undo').click();
  await page.getByTestId('hawk-undo').click();
  await waitCount(page, 0);
  await page.getByTestId('hawk-redo').click();
  await waitCount(page, 1);
  await page.locator('[data-testid="hawk-save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(900);
  await page.locator('[data-testid="hawk-save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
  const { frames } = await serverBoxes(setId);
  assert.equal(frames.get(0)?.length, 1, 'the server holds the redone first box only');
  near(frames.get(0)![0]!.xyxy, [20, 20, 80, 120], 0.5, 'first box');
  await page.close();
});

test('Tab selects, class hotkeys relabel, Delete removes', { timeout: 60_000 }, async () => {
  const setId = await newSet();
  const page = await open(setId);
  await drawBox(page, [20, 20, 80, 120]);
  await drawBox(page, [150, 30, 200, 100]);
  await waitCount(page, 2);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab'); // first box
  await page.keyboard.press('2'); // car
  await page.keyboard.press('Tab'); // second box
  await page.keyboard.press('Delete');
  await waitCount(page, 1);
  await page.keyboard.press('Control+s');
  await page.locator('[data-testid="hawk-save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(900);
  const { frames } = await serverBoxes(setId);
  assert.deepEqual(frames.get(0)?.map((b) => b.label), ['car']);
  near(frames.get(0)![0]!.xyxy, [20, 20, 80, 120], 0.5, 'relabelled box');
  assert.deepEqual(frames.get(0)![0]!.attributes, {}, 'car has no attributes: the person defaults are dropped');
  await page.close();
});

test('track mode: keyframes interpolate between frames, the outside flag hides the object', { timeout: 60_000 }, async () => {
  const setId = await newSet();
  const page = await open(setId);
  await page.keyboard.press('t');
  await page.locator('[data-testid="hawk-track-mode"].active').waitFor();
  await drawBox(page, [20, 40, 60, 120]);
  await waitCount(page, 1);
  for (let f = 1; f <= 4; f++) await page.keyboard.press('d');
  await toFrame(page, 4);
  assert.equal(await count(page), 1, 'the track is held after its last keyframe');
  // Move the track's box 60 px right on frame 4: a second keyframe.
  await drag(page, await screenAt(page, 40, 80), await screenAt(page, 100, 80));
  for (let f = 5; f <= 6; f++) await page.keyboard.press('d');
  await toFrame(page, 6);
  await page.keyboard.press('Tab');
  await page.keyboard.press('o');
  await waitCount(page, 0);
  await page.keyboard.press('d');
  await toFrame(page, 7);
  assert.equal(await count(page), 0, 'outside from frame 6 on');
  await page.keyboard.press('Control+s');
  await page.locator('[data-testid="hawk-save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(900);
  const { a, frames } = await serverBoxes(setId);
  assert.equal(a.tracks.length, 1);
  assert.deepEqual(a.tracks[0]!.keyframes.map((k) => [k.frame, k.outside]), [[0, false], [4, false], [6, true]]);
  near(frames.get(2)![0]!.xyxy, [50, 40, 90, 120], 0.5, 'frame 2 is halfway between the keyframes');
  near(frames.get(5)![0]!.xyxy, [80, 40, 120, 120], 0.5, 'frame 5 holds the frame 4 box');
  assert.equal(frames.get(6), undefined);
  assert.equal(frames.get(9), undefined);
  await page.close();
});

test('zoom and pan change the view only: boxes keep image coordinates and are drawn where they are', { timeout: 60_000 }, async () => {
  const setId = await newSet();
  const page = await open(setId);
  await drawBox(page, [40, 40, 100, 140]);
  await waitCount(page, 1);
  const before = await viewOf(page);
  const [cx, cy] = await screenAt(page, 160, 120);
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -100);
  await page.waitForFunction((s) => Number(document.querySelector('[data-testid="hawk-canvas"]')!.getAttribute('data-view')!.split(',')[0]) > s * 1.5, before.scale);
  await drag(page, [cx, cy], [cx + 80, cy + 50], true);
  const zoomed = await viewOf(page);
  assert.ok(zoomed.scale > before.scale * 1.5 && (zoomed.panX !== 0 || zoomed.panY !== 0), `zoomed and panned: ${JSON.stringify(zoomed)}`);
  // Draw a box while zoomed and move the first one by 10 image pixels.
  await page.keyboard.press('Escape');
  await drawBox(page, [120, 60, 150, 100]);
  await waitCount(page, 2);
  await drag(page, await screenAt(page, 70, 90), await screenAt(page, 80, 95));
  // The canvas shows the first box's right edge where the view puts it (red: class colour or selection highlight).
  const [ex, ey] = await screenAt(page, 110, 100); // right edge of the moved box (the left one is panned off-screen)
  const r = (await page.getByTestId('hawk-canvas').boundingBox())!;
  const pixel = await page.evaluate(([x, y]) => {
    const c = document.querySelector('[data-testid="hawk-canvas"]') as HTMLCanvasElement;
    const dpr = c.width / c.clientWidth;
    return Array.from(c.getContext('2d')!.getImageData(Math.round(x! * dpr), Math.round(y! * dpr), 1, 1).data);
  }, [ex - r.x, ey - r.y]);
  assert.ok(pixel[0]! > 180 && pixel[1]! < 120, `box edge (class or selection colour) drawn at its image position, pixel ${pixel}`);
  await page.keyboard.press('0'); // back to the fitted view
  await page.keyboard.press('Control+s');
  await page.locator('[data-testid="hawk-save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(900);
  const { frames } = await serverBoxes(setId);
  const boxes = frames.get(0)!.map((b) => b.xyxy);
  assert.equal(boxes.length, 2);
  near(boxes[0]!, [50, 45, 110, 145], 0.6, 'moved box');
  near(boxes[1]!, [120, 60, 150, 100], 0.6, 'box drawn while zoomed');
  await page.close();
});

test('two pages on the same frame: the stale save is a conflict, nothing is overwritten; reload keeps the edits the other page did not touch', { timeout: 60_000 }, async () => {
  const setId = await newSet();
  const person = { clothing: 'shirt', occluded: false };
  await call('PATCH', `/sets/${setId}/annotations`, {
    baseVersion: 0,
    frames: { '0': [{ id: 'left', label: 'person', xyxy: [20, 20, 80, 120], attributes: person }, { id: 'right', label: 'person', xyxy: [150, 30, 200, 100], attributes: person }] },
  });
  const first = await open(setId);
  const second = await open(setId);
  await waitCount(first, 2);
  await waitCount(second, 2);
  await drag(first, await screenAt(first, 50, 70), await screenAt(first, 60, 80));
  await waitSaved(first, 2);
  // The second page still holds version 1: it moves the same box, moves the other one and draws a third.
  await drag(second, await screenAt(second, 50, 70), await screenAt(second, 90, 70));
  await drag(second, await screenAt(second, 175, 65), await screenAt(second, 175, 95));
  await second.keyboard.press('Escape');
  await drawBox(second, [100, 150, 140, 200]);
  await waitCount(second, 3);
  await second.locator('[data-testid="hawk-save-state"][data-state="conflict"]').waitFor({ timeout: 15_000 });
  assert.match(await second.getByTestId('hawk-message').innerText(), /changed since version 1/);
  const stale = await serverBoxes(setId);
  assert.equal(stale.a.set.version, 2);
  assert.deepEqual(stale.a.frames['0']?.map((b) => b.id), ['left', 'right'], 'the stale save wrote nothing');
  near(stale.a.frames['0']![1]!.xyxy, [150, 30, 200, 100], 0.5, 'right box untouched');

  await second.getByTestId('hawk-reload').click();
  const report = second.locator('[data-testid="hawk-rebase-report"][data-kept="2"][data-dropped="1"]');
  await report.waitFor({ timeout: 5000 });
  assert.match(await report.innerText(), /1 of your 3 edits touched a box someone else changed and was not kept: person box on frame 1 \(you changed it, someone else changed it\)/);
  await waitSaved(second, 3);
  await waitCount(second, 3);
  const { a } = await serverBoxes(setId);
  const byId = new Map(a.frames['0']!.map((b) => [b.id, b.xyxy]));
  assert.equal(byId.size, 3, `left, right and the drawn box: ${JSON.stringify(a.frames['0'])}`);
  near(byId.get('left')!, [30, 30, 90, 130], 0.5, "the first page's move of the box both moved");
  near(byId.get('right')!, [150, 60, 200, 130], 0.5, "the second page's move of the other box");
  const drawn = [...byId].find(([id]) => id !== 'left' && id !== 'right')!;
  near(drawn[1], [100, 150, 140, 200], 0.5, 'box drawn on the second page');
  assert.match(await second.getByTestId('hawk-rebase-report').innerText(), /not kept/, 'the report stays after the autosave');
  await first.close();
  await second.close();
});

test('object list, class hotkey right after drawing, keyframe markers, keys after the slider, play, go to, zoom percentage', { timeout: 90_000 }, async () => {
  const setId = await newSet();
  const page = await open(setId);
  // A hotkey right after drawing picks the class of the next box; the new box keeps its class.
  await drawBox(page, [20, 20, 80, 120]);
  await waitCount(page, 1);
  await page.keyboard.press('2');
  await drawBox(page, [150, 20, 220, 100]);
  await waitCount(page, 2);
  assert.deepEqual(await page.locator('[data-testid^="hawk-object-select-b:"]').allInnerTexts(), ['box 1 person', 'box 2 car']);
  // Hide the car: one box drawn; lock the person: Delete leaves it.
  const [personKey, carKey] = (await page.locator('[data-testid^="hawk-object-select-b:"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('hawk-object-select-'.length)))) as [string, string];
  await page.getByTestId(`hawk-object-hide-${carKey}`).click();
  await waitCount(page, 1);
  await page.getByTestId(`hawk-object-lock-${personKey}`).click();
  await page.getByTestId(`hawk-object-select-${personKey}`).click();
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+s');
  await page.locator('[data-testid="hawk-save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
  assert.deepEqual((await serverBoxes(setId)).frames.get(0)?.map((b) => b.label), ['person', 'car'], 'locked box not deleted, hidden box still saved');

  // A track with keyframes on frames 1 and 4 (indices 0 and 3), sent outside on frame 4 and brought back from the list.
  await page.keyboard.press('t');
  await page.keyboard.press('1');
  await drawBox(page, [100, 130, 160, 220]);
  const trackKey = (await page.locator('[data-testid^="hawk-object-select-t:"]').getAttribute('data-testid'))!.slice('hawk-object-select-'.length);
  assert.match(await page.getByTestId(`hawk-object-select-${trackKey}`).innerText(), /^#1 person$/);
  for (let f = 1; f <= 3; f++) await page.keyboard.press('d');
  await toFrame(page, 3);
  await drag(page, await screenAt(page, 130, 175), await screenAt(page, 150, 175));
  await page.locator('[data-testid="hawk-keyframes"][data-count="2"]').waitFor();
  await page.keyboard.press('o');
  await page.locator(`[data-testid="hawk-object-select-${trackKey}"]`, { hasText: 'not on this frame' }).waitFor();
  await page.getByTestId(`hawk-object-select-${trackKey}`).click();
  await page.keyboard.press('o');
  await page.locator(`[data-testid="hawk-object-select-${trackKey}"]`, { hasText: /^#1 person$/ }).waitFor();
  await page.getByTestId(`hawk-object-first-${trackKey}`).click();
  await toFrame(page, 0);
  await page.getByTestId(`hawk-object-last-${trackKey}`).click();
  await toFrame(page, 3);

  // After using the slider, D still steps one frame.
  await page.getByTestId('hawk-scrubber').click();
  const after = Number(await page.getByTestId('hawk-frame').getAttribute('data-frame'));
  await page.keyboard.press('d');
  await toFrame(page, after + 1);
  // Go to frame 12, play until the frame moves, pause.
  await page.getByTestId('hawk-goto').fill('12');
  await page.keyboard.press('Enter');
  await toFrame(page, 11);
  await page.getByTestId('hawk-play').click();
  await page.locator('[data-testid="hawk-frame"]:not([data-frame="11"])').waitFor();
  await page.getByTestId('hawk-play').click();
  await page.locator('[data-testid="hawk-play"][data-playing="false"]').waitFor();
  // Zoom percentage: screen pixels per video pixel (the 320 px clip is fitted at 250%).
  assert.equal(await page.getByTestId('hawk-zoom').getAttribute('data-zoom'), '250');
  const canvas = (await page.getByTestId('hawk-canvas').boundingBox())!;
  await page.mouse.move(canvas.x + 100, canvas.y + 100);
  await page.mouse.wheel(0, -100);
  await page.locator('[data-testid="hawk-zoom"]:not([data-zoom="250"])').waitFor();
  assert.match(await page.getByTestId('hawk-zoom').innerText(), /^zoom \d+%$/);
  await page.keyboard.press('0');
  await page.locator('[data-testid="hawk-zoom"][data-zoom="250"]').waitFor();
  await page.close();
});
