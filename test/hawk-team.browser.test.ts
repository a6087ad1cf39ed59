// Issue 22 "done when": in headless Chromium a team works on one video. The admin creates two
// annotators and a reviewer on the People page, makes the annotators project members and assigns
// overlapping frame ranges; each annotator sees only their own jobs and the editor keeps them inside
// their range (the server refuses a save outside it); the merge report shows the class disagreement
// the test planted; the reviewer approves in the editor; the COCO export with images re-imports to
// the merged boxes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { HawkAnnotations } from '@sightline/contracts';
import { makeTestVideo, startHawk, type HawkFixture } from '../services/hawk/src/testing/hawk-fixture.ts';
import { readZip } from '../services/hawk/src/testing/zip-reader.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { startWebServer } from './support/web-server.ts';
import { logIn, reserveWebOrigin } from './support/web-login.ts';

let hawk: HawkFixture;
let hawkUrl: string;
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;

before(async () => {
  const webOrigin = await reserveWebOrigin();
  hawk = await startHawk({ webOrigins: webOrigin.origin });
  await hawk.app.listen({ host: '127.0.0.1', port: 0 });
  hawkUrl = `http://127.0.0.1:${(hawk.app.server.address() as AddressInfo).port}`;
  web = await startWebServer({ hawkUrl, scouterUrl: 'http://127.0.0.1:9', kanohiUrl: 'http://127.0.0.1:9' }, webOrigin.port);
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await web?.close();
  await hawk?.close();
});

async function login(username: string, password: string): Promise<Page> {
  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/hawk`, { username, password });
  await page.getByTestId('hawk-user').waitFor();
  return page;
}

/** Drags a box on the canvas between two image points (the canvas shows the image scaled). */
async function drawBox(page: Page, xyxy: readonly number[], imageWidth: number): Promise<void> {
  const canvas = page.getByTestId('hawk-canvas');
  const box = (await canvas.boundingBox())!;
  const s = box.width / imageWidth;
  await page.mouse.move(box.x + xyxy[0]! * s, box.y + xyxy[1]! * s);
  await page.mouse.down();
  await page.mouse.move(box.x + ((xyxy[0]! + xyxy[2]!) / 2) * s, box.y + ((xyxy[1]! + xyxy[3]!) / 2) * s, { steps: 3 });
  await page.mouse.move(box.x + xyxy[2]! * s, box.y + xyxy[3]! * s, { steps: 3 });
  await page.mouse.up();
}

const waitSaved = (page: Page, version: number) => page.locator(`[data-testid="hawk-save-state"][data-state="saved"][data-version="${version}"]`).waitFor({ timeout: 15_000 });
const atFrame = (page: Page, index: number) => page.locator(`[data-testid="hawk-canvas"][data-frame-shown="${index}"]`).waitFor();
const tokenOf = (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('sightline.session')!).token as string);

async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${hawkUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json()) as T };
}

test('the team story: people, members, overlapping assignments, blind replicas, merge report, review in the editor, COCO with images', { timeout: 240_000 }, async () => {
  // Admin: three people on the People page.
  const admin = await login('admin', 'admin-password');
  await admin.getByTestId('hawk-people-link').click();
  for (const [name, role] of [['alice', 'annotator'], ['bob', 'annotator'], ['rita', 'reviewer']] as const) {
    await admin.getByTestId('hawk-new-username').fill(name);
    await admin.getByTestId('hawk-new-password').fill(`${name}-secret`);
    await admin.getByTestId('hawk-new-role').selectOption(role);
    await admin.getByTestId('hawk-create-user').click();
    await admin.locator(`[data-testid="hawk-person-${name}"][data-role="${role}"]`).waitFor();
  }

  // A project nobody is a member of, then the team's project with alice and bob as members.
  await admin.getByTestId('hawk-home').click();
  await admin.getByTestId('hawk-new-project-name').fill('private');
  await admin.getByTestId('hawk-create-project').click();
  await admin.getByTestId('hawk-members').waitFor();
  await admin.getByTestId('hawk-home').click();
  await admin.getByTestId('hawk-new-project-name').fill('street');
  await admin.getByTestId('hawk-new-project-schema').fill('person, car');
  await admin.getByTestId('hawk-create-project').click();
  await admin.getByTestId('hawk-member-alice').check();
  await admin.getByTestId('hawk-member-bob').check();
  await admin.getByTestId('hawk-save-members').click();
  await admin.getByText('Members: alice, bob.').waitFor();
  await admin.getByTestId('hawk-upload').setInputFiles(makeTestVideo(join(hawk.mediaDir, 'street.mp4'), { seconds: 2, fps: 10 }));
  await admin.locator('[data-testid="hawk-video-street.mp4"][data-status="ready"]').waitFor({ timeout: 60_000 });
  await admin.locator('[data-testid="hawk-video-street.mp4"] a').click();

  // Overlapping ranges: frames 1-10 to alice and bob (for consensus), frames 6-15 to bob alone.
  for (const [from, to, who] of [[1, 10, ['alice', 'bob']], [6, 15, ['bob']]] as const) {
    await admin.getByTestId('hawk-assign-from').fill(String(from));
    await admin.getByTestId('hawk-assign-to').fill(String(to));
    for (const name of ['alice', 'bob']) await admin.getByTestId(`hawk-assign-${name}`).setChecked((who as readonly string[]).includes(name));
    await admin.getByTestId('hawk-assign').click();
    await admin.getByText(`frames ${from}–${to} · replicas`).waitFor();
  }
  const videoPath = new URL(admin.url()).pathname;
  const videoId = Number(videoPath.split('/').pop());

  // Alice: one project, one job; the editor opens at frame 1 and stops at frame 10.
  const alice = await login('alice', 'alice-secret');
  await alice.getByTestId('hawk-my-assignments').waitFor();
  // The project list comes from its own request: wait for it rather than read it while it loads.
  await alice.locator('[data-testid="hawk-projects"] li').first().waitFor();
  assert.deepEqual(await alice.locator('[data-testid="hawk-projects"] li').allInnerTexts().then((t) => t.map((x) => x.split(' ')[0])), ['street']);
  assert.equal(await alice.locator('[data-testid^="hawk-job-"]').count(), 1);
  assert.match(await alice.getByTestId('hawk-my-assignments').innerText(), /street · street\.mp4 · frames 1–10/);
  await alice.locator('[data-testid^="hawk-open-job-"]').click();
  await atFrame(alice, 0);
  assert.equal(await alice.getByTestId('hawk-range').innerText(), 'assigned frames 1–10');
  await alice.keyboard.press('d');
  await alice.keyboard.press('d');
  await atFrame(alice, 2);
  await drawBox(alice, [40, 40, 100, 200], 320);
  await waitSaved(alice, 1);
  for (let i = 0; i < 12; i++) await alice.keyboard.press('d');
  await alice.locator('[data-testid="hawk-frame"][data-frame="9"]').waitFor();
  assert.match(await alice.getByTestId('hawk-frame').innerText(), /frame 10 \/ 20/);
  await alice.keyboard.press('d');
  assert.equal(await alice.getByTestId('hawk-frame').getAttribute('data-frame'), '9', 'frame 11 is outside her range');
  // The server refuses what the page would not send: a box on frame 11.
  const aliceToken = await tokenOf(alice);
  const aliceSet = Number(new URL(alice.url()).pathname.split('/').pop());
  const outside = await call<{ message: string }>('PATCH', `/sets/${aliceSet}/annotations`, aliceToken, { baseVersion: 1, frames: { '10': [{ id: 'x', label: 'person', xyxy: [1, 1, 9, 9], attributes: {} }] } });
  assert.equal(outside.status, 400);
  assert.match(outside.json.message, /frame 11 is outside assignment \d+'s frames 1–10/);
  // On the video page she sees her replica, not bob's.
  await alice.goto(`${web.url}${videoPath}`);
  await alice.getByTestId('hawk-set-replica-alice').waitFor();
  assert.equal(await alice.locator('[data-testid="hawk-set-replica-bob"]').count(), 0);
  assert.equal((await call('GET', `/sets/${aliceSet + 1}/annotations`, aliceToken)).status, 403, "bob's replica of the same assignment");
  await alice.close();

  // Bob: two jobs; in the shared one he draws the same person but as a car (the planted disagreement).
  const bob = await login('bob', 'bob-secret');
  await bob.getByTestId('hawk-my-assignments').waitFor();
  assert.equal(await bob.locator('[data-testid^="hawk-job-"]').count(), 2);
  await bob.locator('[data-testid^="hawk-job-"]', { hasText: 'frames 1–10' }).locator('a').click();
  await atFrame(bob, 0);
  await bob.keyboard.press('d');
  await bob.keyboard.press('d');
  await atFrame(bob, 2);
  await bob.keyboard.press('2'); // class car for the next box
  await drawBox(bob, [44, 44, 104, 204], 320);
  await waitSaved(bob, 1);
  await bob.close();

  // Rita: the merge report names the disagreement; she approves the merged set in the editor.
  const rita = await login('rita', 'rita-secret');
  await rita.goto(`${web.url}${videoPath}`);
  await rita.locator('[data-testid^="hawk-assignment-"]', { hasText: 'frames 1–10' }).locator('[data-testid^="hawk-merge-"]').click();
  const object = rita.locator('[data-testid="hawk-merge-object"][data-frame="3"]');
  await object.waitFor();
  assert.match(await object.innerText(), /alice: person \[40, 40, 100, 200\][\s\S]*bob: car \[44, 44, 104, 204\]/);
  assert.match(await object.innerText(), /class: alice "person", bob "car" → "person" by majority; bob left out of the box mean/);
  assert.match(await rita.getByTestId('hawk-agreement-bob').innerText(), /^bob\s+0\.000\s+100%\s+0%\s+100%\s+0\/1$/);
  await rita.getByTestId('hawk-set-merged').locator('a').click();
  await atFrame(rita, 0);
  assert.equal(await rita.getByTestId('hawk-editor-review-from').inputValue(), '1');
  assert.equal(await rita.getByTestId('hawk-editor-review-to').inputValue(), '10');
  await rita.getByTestId('hawk-editor-approve').click();
  await rita.getByTestId('hawk-review-here').and(rita.locator('[data-decision="approved"]')).waitFor();

  // COCO with images: 10 approved frames as JPEGs; its annotations re-import into the main set.
  await rita.getByTestId('hawk-back-to-video').click();
  const [file] = await Promise.all([rita.waitForEvent('download'), rita.getByTestId('hawk-export-coco-images').click()]);
  const zip = readZip(readFileSync((await file.path())!));
  assert.equal([...zip.keys()].filter((n) => n.startsWith('images/')).length, 10);
  await rita.getByTestId('hawk-import-format').selectOption('coco');
  await rita.getByTestId('hawk-import-file').setInputFiles({ name: 'annotations.json', mimeType: 'application/json', buffer: zip.get('annotations.json')! });
  await rita.getByTestId('hawk-note').waitFor();
  const ritaToken = await tokenOf(rita);
  const sets = (await call<{ id: number; kind: string }[]>('GET', `/videos/${videoId}/sets`, ritaToken)).json;
  const boxes = async (kind: string) => {
    const a = (await call<HawkAnnotations>('GET', `/sets/${sets.find((s) => s.kind === kind)!.id}/annotations?from=0&to=19`, ritaToken)).json;
    return Object.entries(a.frames).map(([f, list]) => ({ f: Number(f), boxes: list.map((b) => ({ label: b.label, xyxy: b.xyxy })) }));
  };
  const merged = await boxes('merged');
  assert.deepEqual(merged.map((m) => [m.f, m.boxes.map((b) => b.label)]), [[2, ['person']]], 'one object on frame 3, labelled by the majority (tie: first annotator)');
  const imported = await boxes('main');
  assert.deepEqual(imported.map((m) => [m.f, m.boxes.map((b) => b.label)]), [[2, ['person']]]);
  // COCO stores single-precision floats: the boxes come back within a hundredth of a pixel.
  imported[0]!.boxes[0]!.xyxy.forEach((v, k) => assert.ok(Math.abs(v - merged[0]!.boxes[0]!.xyxy[k]!) < 0.01, `coord ${k}: ${v} vs ${merged[0]!.boxes[0]!.xyxy[k]}`));
});

test('the schema form: problems as sentences, a used class cannot be dropped, a rename moves its boxes', { timeout: 90_000 }, async () => {
  const admin = await login('admin', 'admin-password');
  await admin.getByTestId('hawk-project-street').click();
  await admin.getByTestId('hawk-edit-schema').click();
  // A select attribute without options, and a class without a name: sentences, and Save is off.
  await admin.getByTestId('hawk-attr-add-0').click();
  await admin.getByTestId('hawk-attr-options-0-0').fill('');
  await admin.getByTestId('hawk-class-add').click();
  const problems = await admin.getByTestId('hawk-schema-problems').innerText();
  assert.match(problems, /every class needs a name/);
  assert.match(problems, /class "person": every attribute needs a name/);
  assert.match(problems, /class "person": select "" needs at least one option/);
  assert.equal(await admin.getByTestId('hawk-schema-save').isDisabled(), true);
  await admin.getByTestId('hawk-class-remove-2').click();
  await admin.getByTestId('hawk-attr-0-0').locator('input').first().fill('clothing');
  await admin.getByTestId('hawk-attr-options-0-0').fill('coat, shirt');
  await admin.getByTestId('hawk-attr-default-0-0').selectOption('shirt');
  assert.equal(await admin.getByTestId('hawk-schema-problems').count(), 0);
  // Bob's car box is in use: dropping "car" is refused by the server, with the count.
  await admin.getByTestId('hawk-class-remove-1').click();
  await admin.getByTestId('hawk-schema-save').click();
  assert.match(await admin.getByTestId('hawk-schema-error').innerText(), /drops classes still in use: "car" \(1 boxes\/tracks\)/);
  // Start again: rename car to vehicle, which moves the box.
  await admin.getByTestId('hawk-edit-schema').click();
  await admin.getByTestId('hawk-edit-schema').click();
  await admin.getByTestId('hawk-class-name-1').fill('vehicle');
  await admin.getByTestId('hawk-class-hotkey-1').fill('v');
  await admin.getByTestId('hawk-schema-save').click();
  await admin.getByText('classes: person, vehicle · schema v2').waitFor();
  const token = await tokenOf(admin);
  const project = (await call<{ id: number; labelSchema: { classes: { name: string; hotkey?: string }[] } }[]>('GET', '/projects', token)).json.find((p) => p.labelSchema.classes.some((c) => c.name === 'vehicle'))!;
  assert.deepEqual(project.labelSchema.classes.map((c) => [c.name, c.hotkey ?? null]), [['person', null], ['vehicle', 'v']]);
  const [video] = (await call<{ id: number }[]>('GET', `/projects/${project.id}/videos`, token)).json;
  const sets = (await call<{ id: number; annotator: string | null; assignmentId: number | null }[]>('GET', `/videos/${video!.id}/sets`, token)).json;
  const bobsFirst = sets.find((s) => s.annotator === 'bob')!;
  const labels = Object.values((await call<HawkAnnotations>('GET', `/sets/${bobsFirst.id}/annotations`, token)).json.frames).flat().map((b) => b.label);
  assert.deepEqual(labels, ['vehicle'], "bob's car box is now a vehicle");
});
