// Issue 6 "done when": in headless Chromium, an admin creates a project and uploads a video; two
// annotators draw and save boxes on their replicas; a reviewer merges, approves, exports COCO and
// MOT, and re-imports both; the re-imported boxes equal the merged ones, which equal the mean of
// what the two annotators drew.
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
import { makeTestVideo } from '../services/hawk/src/testing/hawk-fixture.ts';
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

async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const res = await fetch(`${hawkUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

before(async () => {
  webOrigin = await reserveWebOrigin();
  work = mkdtempSync(join(tmpdir(), 'hawk-browser-'));
  db = await createTestDatabase();
  hawk = await buildHawk({ config: loadHawkConfig({}, { logLevel: 'silent', webOrigins: webOrigin.origin, mediaDir: join(work, 'media'), adminPassword: 'admin-password' }), pool: db.pool });
  await hawk.listen({ host: '127.0.0.1', port: 0 });
  hawkUrl = `http://127.0.0.1:${(hawk.server.address() as AddressInfo).port}`;
  // Scouter and Kanohi are not needed here: their badges just show offline.
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

async function login(username: string, password: string): Promise<Page> {
  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/hawk`, { username, password });
  await page.getByTestId('hawk-user').waitFor();
  return page;
}

/** Drags a box on the canvas between two image points (the canvas shows the image scaled). */
async function drawBox(page: Page, xyxy: [number, number, number, number], imageWidth: number): Promise<void> {
  const canvas = page.getByTestId('hawk-canvas');
  const box = (await canvas.boundingBox())!;
  const s = box.width / imageWidth;
  await page.mouse.move(box.x + xyxy[0] * s, box.y + xyxy[1] * s);
  await page.mouse.down();
  await page.mouse.move(box.x + ((xyxy[0] + xyxy[2]) / 2) * s, box.y + ((xyxy[1] + xyxy[3]) / 2) * s, { steps: 3 });
  await page.mouse.move(box.x + xyxy[2] * s, box.y + xyxy[3] * s, { steps: 3 });
  await page.mouse.up();
}

async function waitSaved(page: Page, version: number): Promise<void> {
  await page.locator(`[data-testid="hawk-save-state"][data-state="saved"][data-version="${version}"]`).waitFor({ timeout: 15_000 });
}

test('upload, two annotators, merge, approve, export COCO and MOT, re-import the same boxes', { timeout: 180_000 }, async () => {
  const adminToken = (await (await fetch(`${hawkUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin-password' }) })).json()).token as string;
  for (const [username, role] of [['alice', 'annotator'], ['bob', 'annotator'], ['rita', 'reviewer']]) {
    await call('POST', '/users', adminToken, { username, password: `${username}-secret`, role });
  }

  // Admin: project and upload through the page.
  const admin = await login('admin', 'admin-password');
  await admin.getByTestId('hawk-new-project-name').fill('street');
  await admin.getByTestId('hawk-new-project-schema').fill('person, car');
  await admin.getByTestId('hawk-create-project').click();
  // Annotators see only projects they are members of; Rita (reviewer) is one too, for her own replica below.
  for (const name of ['alice', 'bob', 'rita']) await admin.getByTestId(`hawk-member-${name}`).check();
  await admin.getByTestId('hawk-save-members').click();
  await admin.getByTestId('hawk-members-note').waitFor();
  await admin.getByTestId('hawk-upload').setInputFiles(makeTestVideo(join(work, 'street.mp4'), { seconds: 2, fps: 10 }));
  await admin
    .locator('[data-testid="hawk-video-street.mp4"][data-status="ready"]')
    .waitFor({ timeout: 60_000 })
    .catch(async (err: Error) => assert.fail(`${err.message}\npage says: ${await admin.locator('main').innerText()}`));
  await admin.locator('[data-testid="hawk-video-street.mp4"] a').click();
  await admin.getByTestId('hawk-assign-alice').check();
  await admin.getByTestId('hawk-assign-bob').check();
  await admin.getByTestId('hawk-assign').click();
  await admin.getByTestId('hawk-set-replica-bob').waitFor();
  const videoPath = new URL(admin.url()).pathname;

  // Each annotator draws a person on frames 0 and 1 of their own replica; the canvas autosaves.
  const drawn = { alice: [[40, 40, 100, 200], [50, 40, 110, 200]], bob: [[44, 44, 104, 204], [54, 42, 114, 202]] } as const;
  for (const name of ['alice', 'bob'] as const) {
    const page = await login(name, `${name}-secret`);
    await page.goto(`${web.url}${videoPath}`);
    await page.getByTestId(`hawk-set-replica-${name}`).locator('a').click();
    await page.locator('[data-testid="hawk-canvas"][data-frame-shown="0"]').waitFor();
    await drawBox(page, [...drawn[name][0]], 320);
    await waitSaved(page, 1);
    await page.keyboard.press('d');
    await page.locator('[data-testid="hawk-canvas"][data-frame-shown="1"]').waitFor();
    await drawBox(page, [...drawn[name][1]], 320);
    await waitSaved(page, 2);
    assert.equal(await page.getByTestId('hawk-box-count').getAttribute('data-count'), '1');
    await page.close();
  }

  // Reviewer: merge, approve frames 0..4 of the merged set, export, re-import.
  const rita = await login('rita', 'rita-secret');
  await rita.goto(`${web.url}${videoPath}`);
  await rita.locator('[data-testid^="hawk-merge-"]').click();
  await rita.getByTestId('hawk-agreement').waitFor();
  assert.match(await rita.getByTestId('hawk-merge-report').innerText(), /kept 2 objects/);
  assert.match(await rita.getByTestId('hawk-agreement-alice').innerText(), /^alice\s+1\.000\s+100%\s+100%\s+100%\s+2\/2$/);
  await rita.getByTestId('hawk-review-from').fill('1'); // review range: frames 1..
  await rita.getByTestId('hawk-review-to').fill('5'); // ..5 (indices 0..4)
  await rita.getByTestId('hawk-review-comment').fill('boxes look right');
  await rita.getByTestId('hawk-approve').click();
  await rita.getByText('approved').first().waitFor();

  const exported: Record<string, string> = {};
  for (const format of ['coco', 'mot']) {
    const [file] = await Promise.all([rita.waitForEvent('download'), rita.getByTestId(`hawk-export-${format}`).click()]);
    exported[format] = readFileSync((await file.path())!, 'utf8');
  }
  assert.equal(JSON.parse(exported.coco!).annotations.length, 2);
  assert.equal(exported.mot!.trim().split('\n').length, 2);

  // COCO back into the main set; MOT into a fresh replica of Rita's own.
  const ritaToken = (await rita.evaluate(() => JSON.parse(sessionStorage.getItem('sightline.session')!).token)) as string;
  await rita.getByTestId('hawk-import-format').selectOption('coco');
  await rita.getByTestId('hawk-import-file').setInputFiles({ name: 'export.coco.json', mimeType: 'application/json', buffer: Buffer.from(exported.coco!) });
  await rita.getByTestId('hawk-note').waitFor();
  await rita.getByTestId('hawk-assign-rita').check();
  await rita.getByTestId('hawk-assign').click();
  await rita.getByTestId('hawk-set-replica-rita').waitFor();
  const ritaSet = Number(await rita.getByTestId('hawk-set-replica-rita').getAttribute('data-set-id'));
  await rita.getByTestId('hawk-import-format').selectOption('mot');
  await rita.getByTestId('hawk-import-set').selectOption(String(ritaSet));
  await rita.getByTestId('hawk-import-file').setInputFiles({ name: 'export.gt.txt', mimeType: 'text/plain', buffer: Buffer.from(exported.mot!) });
  await rita.getByText(`into set ${ritaSet}`).waitFor();

  // Compare through the API: merged = mean of the two annotators; both re-imports = merged.
  const videoId = Number(videoPath.split('/').pop());
  const sets = await call<{ id: number; kind: string }[]>('GET', `/videos/${videoId}/sets`, ritaToken);
  const boxesOf = async (setId: number) => {
    const a = await call<HawkAnnotations>('GET', `/sets/${setId}/annotations`, ritaToken);
    return [...expandFrames(a.frames, a.tracks, 0, 19)].sort(([p], [q]) => p - q).map(([f, boxes]) => ({ f, boxes: boxes.map((b) => ({ label: b.label, xyxy: [...b.xyxy] as number[] })) }));
  };
  const merged = await boxesOf(sets.find((s) => s.kind === 'merged')!.id);
  const expected = [0, 1].map((f) => ({ f, boxes: [{ label: 'person', xyxy: drawn.alice[f]!.map((v, k) => (v + drawn.bob[f]![k]!) / 2) }] }));
  const close = (got: typeof merged, want: typeof merged, what: string) => {
    assert.deepEqual(got.map((g) => [g.f, g.boxes.length, g.boxes[0]?.label]), want.map((w) => [w.f, w.boxes.length, w.boxes[0]?.label]), what);
    // The canvas maps mouse pixels to image pixels at 2.5 css px per pixel: allow half a pixel.
    got.forEach((g, i) => g.boxes[0]!.xyxy.forEach((v, k) => assert.ok(Math.abs(v - want[i]!.boxes[0]!.xyxy[k]!) <= 0.5, `${what} frame ${g.f} coord ${k}: ${v} vs ${want[i]!.boxes[0]!.xyxy[k]}`)));
  };
  close(merged, expected, 'merged vs mean of annotators');
  const exact = (got: typeof merged, what: string) =>
    got.forEach((g, i) => g.boxes[0]!.xyxy.forEach((v, k) => assert.ok(Math.abs(v - merged[i]!.boxes[0]!.xyxy[k]!) < 0.01, `${what} frame ${g.f} coord ${k}`)));
  const fromCoco = await boxesOf(sets.find((s) => s.kind === 'main')!.id);
  close(fromCoco, merged, 'COCO re-import');
  exact(fromCoco, 'COCO re-import');
  const fromMot = await boxesOf(ritaSet);
  close(fromMot, merged, 'MOT re-import');
  exact(fromMot, 'MOT re-import');
});
