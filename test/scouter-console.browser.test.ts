// The Scouter console's "done when", in headless Chromium against the real pipeline (ffmpeg,
// CenterNet, ByteTrack, PostgreSQL): two cameras added on the page are both live in the grid on a
// fresh page load; one opens in the large view and goes fullscreen; a zone drawn on it yields a
// "person entered zone" event with its snapshot in the timeline, which a webhook receiver on
// loopback also gets; a mask drawn over the picture makes its detections disappear; a flow with an
// error is marked at its line, then fixed, planned and started. A camera's settings keep the trained
// heads it runs when other settings are saved.
import { signIn, type SignedIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Camera, ScouterServerEvents, TracksEvent } from '@sightline/contracts';
import type { TestDatabase } from '@sightline/db';
import { weightsMissing } from '@sightline/models';
import type { ScouterApp } from '../services/scouter/src/app.ts';
import { TrainingRepository } from '../services/scouter/src/training/training.repository.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { storeTrainedHead } from '../services/scouter/test-support/trained-head-fixture.ts';
import { launchBrowser, type HeadlessBrowser } from './support/browser.ts';
import { startScouter, startWebhookReceiver, viewerSocket, type ScouterFixture, type WebhookReceiver } from './support/scouter-app.ts';
import { until } from './support/until.ts';
import { logIn, reserveWebOrigin } from './support/web-login.ts';
import { startWebServer } from './support/web-server.ts';

let fixture: ScouterFixture;
let db: TestDatabase;
let scouter: ScouterApp;
let scouterUrl: string;
let web: Awaited<ReturnType<typeof startWebServer>>;
let chromium: HeadlessBrowser;
let receiver: WebhookReceiver;
let receiverUrl: string;
let received: WebhookReceiver['received'];
let socket: Socket<ScouterServerEvents>;
let operator: SignedIn;
const tracks: TracksEvent[] = [];

before(async () => {
  receiver = await startWebhookReceiver({ status: 200, body: 'ok' });
  ({ url: receiverUrl, received } = receiver);
  const webOrigin = await reserveWebOrigin();
  // The clip is made in the temp folder.
  fixture = await startScouter({ heartbeatMs: 300, batchMs: 300, eventTrackMinFrames: 2, inferenceThreads: 1, webOrigins: webOrigin.origin, mediaRoots: tmpdir() }, { listen: true });
  ({ db, scouter } = fixture);
  scouterUrl = fixture.url!;
  operator = await signIn(db.pool, 'operator');
  // The ground truth of what the pipeline publishes, next to what the page shows.
  socket = await viewerSocket(fixture);
  socket.on('scouter:tracks', (e) => tracks.push(e));
  web = await startWebServer({ hawkUrl: 'http://127.0.0.1:9', scouterUrl, kanohiUrl: 'http://127.0.0.1:9' }, webOrigin.port);
  chromium = await launchBrowser();
});

after(async () => {
  socket?.close();
  await chromium?.close();
  await web?.close();
  await fixture?.close();
  await receiver?.close();
});

test('two cameras live in the grid, fullscreen, a zone event with snapshot and webhook, a mask, and a flow fixed and started', async (t) => {
  const clip = makePeopleClip(6, 5);
  t.diagnostic(`clip from ${clip.source}`);
  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/scouter`, operator);
  for (const name of ['north', 'south']) {
    await page.getByLabel('Camera name').fill(name);
    await page.getByLabel('Video file or stream URL').fill(clip.path);
    await page.getByLabel('Frames per second').fill('5');
    await page.getByRole('button', { name: 'Add camera' }).click();
    await page.locator(`[data-camera="${name}"]`).waitFor({ timeout: 15_000 });
  }

  // A fresh visit: every camera is live in the grid without clicking anything.
  await page.reload();
  for (const name of ['north', 'south']) {
    const tile = page.locator(`[data-camera="${name}"]`);
    await tile.locator('[data-testid="live-stats"]:not([data-boxes="0"])').waitFor({ timeout: 120_000 });
    assert.match(await tile.locator('[data-testid="live-stats"]').innerText(), /^\d+ people · [\d.]+ fps · latency \d+ ms/);
    assert.match(await tile.locator('[data-testid="dropped"]').innerText(), /^\d+ of \d+ dropped/);
    assert.ok(await tile.locator('[data-testid="dropped"]').getAttribute('title'), 'dropped is explained in a tooltip');
  }
  const columns = await page.locator('[data-testid="camera-grid"]').evaluate((g) => getComputedStyle(g).gridTemplateColumns.split(' ').length);
  assert.ok(columns >= 2, `the 1280-pixel-wide page fits both cameras side by side (${columns} columns)`);

  // The large view, fullscreen.
  await page.locator('[data-camera="north"]').getByRole('button', { name: /north/ }).click();
  const focus = page.locator('[data-camera-focus="north"]');
  await focus.locator('[data-testid="live-stats"]:not([data-boxes="0"])').waitFor({ timeout: 60_000 });
  await focus.getByRole('button', { name: 'Fullscreen' }).click();
  await page.waitForFunction(() => document.fullscreenElement?.getAttribute('data-testid') === 'focus-picture', undefined, { timeout: 10_000 });
  await page.evaluate(() => document.exitFullscreen());

  // A webhook on loopback, tested from the page.
  await page.getByRole('button', { name: 'Events' }).click();
  await page.getByLabel('Webhook URL').fill(receiverUrl);
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await page.locator(`[data-webhook="${receiverUrl}"]`).getByRole('button', { name: 'Test' }).click();
  await page.locator('[data-testid="webhook-test-result"][data-ok="true"]').waitFor({ timeout: 15_000 });
  // Real events of the running cameras may reach the new webhook first: the test event is among them.
  assert.ok(received.some((r) => r.type === 'scouter.test'), `the receiver got the test event (got ${received.map((r) => r.type).join(', ')})`);

  // A zone over the whole picture of "north", drawn by clicking its corners.
  await page.getByRole('button', { name: 'Cameras' }).click();
  await page.locator('[data-camera="north"]').getByRole('button', { name: /north/ }).click();
  const canvas = page.locator('[data-camera-focus="north"] [data-testid="live-canvas"]');
  const box = (await canvas.boundingBox())!;
  const corners = (inset: number) => [
    { x: inset, y: inset },
    { x: box.width - inset, y: inset },
    { x: box.width - inset, y: box.height - inset },
    { x: inset, y: box.height - inset },
  ];
  await focus.getByRole('button', { name: 'Draw zone' }).click();
  await focus.getByLabel('Region name').fill('hall');
  for (const position of corners(2)) await canvas.click({ position });
  await focus.getByRole('button', { name: 'Finish' }).click();
  await focus.locator('[data-testid="region-list"]', { hasText: 'zone “hall”' }).waitFor();

  // The event in the timeline, with its snapshot, and at the webhook.
  await page.getByRole('button', { name: 'Events' }).click();
  await page.getByLabel('Event kind').selectOption('zone-entered');
  await page.getByLabel('Event class').fill('person');
  const entry = page.locator('[data-event-kind="zone-entered"][data-event-region="hall"]').first();
  await entry.waitFor({ timeout: 120_000 });
  assert.match(await entry.innerText(), /person entered zone hall/);
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-event-kind="zone-entered"] img');
    return !!img && img.complete && img.naturalWidth > 0;
  }, undefined, { timeout: 15_000 });
  const hooked = await until('the webhook receiving a zone event', () => received.find((m) => m.type === 'scouter.event' && m.event.kind === 'zone-entered' && m.event.region === 'hall'));
  assert.equal(hooked.event.cameraName, 'north');

  // A mask over the whole picture: its people disappear (the pipeline publishes no boxes) while frames go on.
  await page.getByRole('button', { name: 'Cameras' }).click();
  await page.locator('[data-camera="north"]').getByRole('button', { name: /north/ }).click();
  await focus.getByRole('button', { name: 'Draw mask' }).click();
  for (const position of corners(2)) await canvas.click({ position });
  await focus.getByRole('button', { name: 'Finish' }).click();
  await focus.locator('[data-testid="region-list"]', { hasText: 'mask 1' }).waitFor();
  const northId = (await (await fetch(`${scouterUrl}/cameras`, { headers: operator.headers })).json()).cameras.find((c: { name: string }) => c.name === 'north').id as number;
  const from = tracks.length;
  await until('8 frames of north with no detection after the mask', () => {
    let run = 0;
    for (const e of tracks.slice(from)) if (e.cameraId === northId) run = e.boxes.length === 0 ? run + 1 : 0;
    return run >= 8;
  }, 240_000);
  assert.equal(await focus.locator('[data-testid="live-stats"]').getAttribute('data-boxes'), '0', 'the page shows nobody in the masked picture');
  assert.ok(tracks.slice(from).some((e) => e.cameraId !== northId && e.boxes.length > 0), 'south, without a mask, still has people');

  // The flow editor: an error marked at its line, then fixed, planned, saved and started.
  await page.getByRole('button', { name: 'Flows' }).click();
  const source = [
    `CREATE SOURCE lobby TYPE video WITH uri='${new URL(`file://${clip.path}`).href}', fps=5, loop=true;`,
    "CREATE STREAM people AS SELECT track(detect(frame, model='yolo')) FROM lobby WHERE class='person';",
    'INSERT INTO postgres FROM people;',
  ].join('\n');
  await page.getByLabel('Flow name').fill('lobby');
  await page.getByLabel('Flow source').fill(source);
  const problem = page.locator('[data-testid="flow-problems"] li').first();
  await problem.waitFor({ timeout: 15_000 });
  assert.equal(await problem.getAttribute('data-line'), '2');
  assert.match(await problem.innerText(), /line 2, column \d+/);
  assert.equal(await page.locator('[data-testid="flow-gutter"] [data-error="true"]').getAttribute('data-line'), '2', 'line 2 is marked in the gutter');
  await page.getByLabel('Flow source').fill(source.replace("'yolo'", "'centernet'"));
  await page.locator('[data-testid="flow-plan"]', { hasText: 'detect centernet' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('[data-testid="flow-problems"]').count(), 0);
  await page.getByRole('button', { name: 'Save and start' }).click();
  await page.locator('[data-flow="lobby"][data-flow-state="running"]').waitFor({ timeout: 15_000 });
  await page.locator('[data-flow="lobby"] [data-pipeline="people"]', { hasText: /processed [\d.]+ fps/ }).waitFor({ timeout: 60_000 });
});

test("a camera's settings show the trained heads it runs, and saving other settings keeps them", async () => {
  // A trained head as a finished training job stores it, then deployed.
  await storeTrainedHead(db.pool, { version: 1, labels: ['dark', 'light'] });
  assert.equal(await new TrainingRepository(db.pool).deploy('upper_colour', 1), true);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${scouterUrl}${path}`, { method, headers: { ...operator.headers, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, json: (await res.json()) as Camera & { message?: string } };
  };
  const created = await call('POST', '/cameras', { name: 'hall', uri: makePeopleClip(4).path, fps: 5, enabled: false, attributes: ['age', 'upper_colour'] });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  // The list a camera was created with can be sent back as it is (the update schema once allowed 2).
  const three = await call('PATCH', `/cameras/${created.json.id}`, { attributes: ['age', 'gender', 'upper_colour'] });
  assert.equal(three.status, 200, JSON.stringify(three.json));
  assert.deepEqual(three.json.attributes, ['age', 'gender', 'upper_colour']);
  assert.equal((await call('PATCH', `/cameras/${created.json.id}`, { attributes: ['age', 'upper_colour'] })).status, 200);

  const page = await chromium.browser.newPage();
  await logIn(page, `${web.url}/scouter`, operator);
  // The add form offers the deployed head beside age and gender, and the detectors, NanoDet
  // disabled with the command that fetches it when its weights are not here.
  await page.getByLabel('New camera head upper_colour').waitFor({ timeout: 15_000 });
  const detectorMenu = page.getByLabel('New camera detector');
  await page.waitForFunction(() => document.querySelectorAll('select[aria-label="New camera detector"] option').length >= 2, undefined, { timeout: 15_000 });
  assert.equal(await detectorMenu.inputValue(), 'centernet');
  const nanodet = detectorMenu.locator('option[value="nanodet"]');
  const missing = weightsMissing('nanodet');
  assert.equal(await nanodet.isDisabled(), missing !== undefined);
  assert.equal(await nanodet.getAttribute('title'), missing ?? '');
  await page.locator('[data-camera="hall"] .tile-open').click();
  const settings = page.getByTestId('camera-settings');
  await settings.getByLabel('Settings head upper_colour').waitFor({ timeout: 15_000 });
  assert.equal(await settings.getByLabel('Settings head upper_colour').isChecked(), true);
  assert.equal(await settings.getByLabel('Settings head age').isChecked(), true);
  assert.equal(await settings.getByLabel('Settings head gender').isChecked(), false);
  assert.equal(await settings.getByLabel('Settings detector').inputValue(), 'centernet');

  // Changing only the frame rate keeps both heads.
  await settings.getByLabel('Settings frames per second').fill('7');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Saved.').waitFor({ timeout: 15_000 });
  let camera = (await call('GET', `/cameras/${created.json.id}`)).json;
  assert.equal(camera.fps, 7);
  assert.deepEqual(camera.attributes, ['age', 'upper_colour']);
  assert.equal(camera.detector, 'centernet');

  // Unticking the trained head is what removes it.
  await settings.getByLabel('Settings head upper_colour').uncheck();
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await until('the unticked head leaves the camera', async () => (await call('GET', `/cameras/${created.json.id}`)).json.attributes.join(',') === 'age', 15_000);
  camera = (await call('GET', `/cameras/${created.json.id}`)).json;
  assert.deepEqual(camera.attributes, ['age']);
  await page.close();
});
