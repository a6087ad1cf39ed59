// The Scouter console's server side on loopback with the real pipeline (ffmpeg, CenterNet, ByteTrack):
// previews follow what a page watches, masks drop detections before tracking, a zone raises
// "entered" events with a snapshot that a webhook receiver on loopback gets, the flow check answers
// with line:column, and a removed camera's unwritten rows are refused as a foreign key violation
// (which the batcher discards instead of retrying).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Camera, FlowCheckResult, FrameEvent, ScouterClientEvents, ScouterEvent, ScouterServerEvents, TracksEvent } from '@sightline/contracts';
import type { TestDatabase } from '@sightline/db';
import type { ScouterApp } from '../services/scouter/src/app.ts';
import { isCameraGone } from '../services/scouter/src/pipeline/observation-batcher.ts';
import { EventRepository } from '../services/scouter/src/repositories/event.repository.ts';
import { ObservationRepository } from '../services/scouter/src/repositories/observation.repository.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { startScouter, startWebhookReceiver, viewerSocket, type ScouterFixture, type WebhookReceiver } from './support/scouter-app.ts';
import { until } from './support/until.ts';
import { ffmpegPath, jpegSize as readJpegSize } from '@sightline/media';

let fixture: ScouterFixture;
let db: TestDatabase;
let scouter: ScouterApp;
let socket: Socket<ScouterServerEvents, ScouterClientEvents>;
let receiver: WebhookReceiver;
let receiverUrl: string;
let received: WebhookReceiver['received'];
const tracks: TracksEvent[] = [];
const frames: FrameEvent[] = [];

before(async () => {
  receiver = await startWebhookReceiver();
  ({ url: receiverUrl, received } = receiver);
  fixture = await startScouter({ mediaRoots: tmpdir(), heartbeatMs: 300, batchMs: 200, previewFps: 2, previewFocusFps: 8, previewGridWidth: 160, eventTrackMinFrames: 2 }, { injectAs: 'operator', listen: true });
  ({ db, scouter } = fixture);
  socket = await viewerSocket(fixture);
  socket.on('scouter:tracks', (e) => tracks.push(e));
  socket.on('scouter:frame', (e) => frames.push(e));
});

after(async () => {
  socket?.close();
  await fixture?.close();
  await receiver?.close();
});

const http = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => scouter.app.inject({ method, url, ...(payload ? { payload } : {}) });

/** Width and height from a JPEG's frame header (media's reader). */
function jpegSize(jpeg: Buffer): { width: number; height: number } {
  const size = readJpegSize(jpeg);
  if (!size) throw new Error('no start-of-frame marker');
  return { width: size[0], height: size[1] };
}
/** The RGB pixel at (x, y) of a JPEG, decoded by ffmpeg. */
function pixelAt(jpeg: Buffer, x: number, y: number): [number, number, number] {
  const { width } = jpegSize(jpeg);
  const run = spawnSync(ffmpegPath(), ['-v', 'error', '-f', 'mjpeg', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input: jpeg, maxBuffer: 64 << 20 });
  const o = (Math.round(y) * width + Math.round(x)) * 3;
  return [run.stdout[o]!, run.stdout[o + 1]!, run.stdout[o + 2]!];
}

let camera: Camera;

test('a zone raises "entered" events with a snapshot of the frame and the box, and a webhook on loopback receives them', async () => {
  const hook = await http('POST', '/webhooks', { url: receiverUrl, kinds: ['zone-entered'] });
  assert.equal(hook.statusCode, 201, hook.body);
  const tested = await http('POST', `/webhooks/${hook.json().id}/test`);
  assert.deepEqual(tested.json(), { ok: true, status: 204, message: 'delivered (204)' });
  assert.equal(received[0]?.type, 'scouter.test');
  assert.equal((await http('POST', '/webhooks', { url: 'ftp://x/y' })).statusCode, 400);

  const clip = makePeopleClip(6);
  const everywhere: [number, number][] = [[0, 0], [100_000, 0], [100_000, 100_000], [0, 100_000]];
  const res = await http('POST', '/cameras', { name: 'hall', uri: clip.path, loop: true, regions: { masks: [], zones: [{ name: 'hall floor', polygon: everywhere }], lines: [] } });
  assert.equal(res.statusCode, 201, res.body);
  camera = res.json<Camera>();
  assert.equal(camera.regions.zones[0]?.name, 'hall floor');

  const entered = await until('a zone-entered event', async () => (await http('GET', `/events?cameraId=${camera.id}&kind=zone-entered&className=person`)).json<{ events: ScouterEvent[] }>().events[0]);
  assert.equal(entered.region, 'hall floor');
  assert.equal(entered.cameraName, 'hall');
  assert.ok(entered.hasSnapshot, 'stored with a snapshot');
  const started = (await http('GET', `/events?cameraId=${camera.id}&kind=track-started`)).json<{ events: ScouterEvent[] }>().events;
  assert.ok(started.some((e) => e.trackerId === entered.trackerId), 'the same track started');

  const snap = await http('GET', `/events/${entered.id}/snapshot.jpg`);
  assert.equal(snap.statusCode, 200);
  assert.equal(snap.headers['content-type'], 'image/jpeg');
  const jpeg = snap.rawPayload;
  const listed = (await http('GET', `/cameras/${camera.id}`)).json<Camera>();
  assert.deepEqual(jpegSize(jpeg), { width: listed.frameWidth, height: listed.frameHeight }, 'the snapshot is the full frame');
  // The box is drawn in the picture: the middle of its top edge is the outline's amber (255, 200, 0), JPEG-blurred.
  const [x1, y1, x2] = entered.xyxy;
  const [r, g, b] = pixelAt(jpeg, (x1 + x2) / 2, Math.min(y1 + 1, listed.frameHeight! - 1));
  assert.ok(r > 180 && g > 130 && b < 110, `outline colour at the box's top edge, got ${r},${g},${b}`);

  const delivered = await until('the webhook receiving the event', () => received.find((m) => m.type === 'scouter.event' && m.event.id === entered.id));
  assert.equal(delivered.event.kind, 'zone-entered');
  assert.ok(received.every((m) => m.type === 'scouter.test' || m.event.kind === 'zone-entered'), 'only the kinds the hook asked for');
  assert.equal((await http('GET', '/events?attribute=gender')).statusCode, 400, 'a malformed attribute filter is a 400');
});

test('previews are small for the grid and full size at a higher rate for the camera in the large view', async () => {
  const mine = () => frames.filter((f) => f.cameraId === camera.id);
  const grid = await until('grid previews', () => mine().length >= 2 && mine().at(-1));
  assert.equal(jpegSize(Buffer.from(grid.jpegBase64, 'base64')).width, 160, 'scaled to the grid width');
  socket.emit('scouter:watch', { grid: [camera.id], focus: camera.id });
  const large = await until('a full-size preview', () => mine().find((f) => jpegSize(Buffer.from(f.jpegBase64, 'base64')).width === f.width));
  assert.ok(large.width > 160);
  socket.emit('scouter:watch', { grid: [camera.id], focus: null });
});

test('a mask drops the detections whose feet fall inside it before tracking', async () => {
  const mine = () => tracks.filter((e) => e.cameraId === camera.id);
  const feetX = (e: TracksEvent) => e.boxes.map((b) => (b.xyxy[0] + b.xyxy[2]) / 2);
  const { width, height } = await until('frames with people on the left half', () => mine().find((e) => feetX(e).some((x) => x < e.width / 2)));
  const leftHalf: [number, number][] = [[0, 0], [width / 2, 0], [width / 2, height], [0, height]];
  const patched = await http('PATCH', `/cameras/${camera.id}`, { regions: { masks: [leftHalf], zones: [], lines: [] } });
  assert.equal(patched.statusCode, 200, patched.body);
  // Once applied (next heartbeat, no restart), frames keep coming and nobody's feet are in the left half
  // (a Kalman-smoothed box may sit a few pixels over the edge).
  const from = mine().length;
  await until('8 frames after the mask took effect with no feet in it', () => {
    const after = mine().slice(from);
    let run = 0;
    for (const e of after) run = feetX(e).every((x) => x >= width * 0.45) ? run + 1 : 0;
    return run >= 8;
  }, 240_000).catch((err: Error) => {
    const last = mine().slice(-10).map((e) => feetX(e).map((x) => Math.round(x)).join(','));
    throw new Error(`${err.message}; feet x of the last frames (width ${width}): ${last.join(' | ')}`);
  });
  // People outside the mask are still tracked (the clip pans, so some frames show nobody there).
  const tracked = await until('a frame after the mask with people tracked outside it', () => mine().slice(from).find((e) => e.boxes.length > 0 && feetX(e).every((x) => x >= width * 0.45)), 120_000);
  assert.ok(tracked.boxes.length > 0);
});

test('the flow check answers errors with line and column, and the plan of a correct flow', async () => {
  const bad = ["CREATE SOURCE cam1 TYPE video WITH uri='file:///videos/lobby.mp4';", "CREATE STREAM people AS SELECT track(detect(frame, model='yolo')) FROM cam1 WHERE class='person';", 'INSERT INTO postgres FROM people;'].join('\n');
  const checked = (await http('POST', '/flows/check', { source: bad })).json<FlowCheckResult>();
  assert.equal(checked.ok, false);
  assert.deepEqual(checked.errors.map((e) => [e.code, e.line]), [['unknown-model', 2]]);
  const good = bad.replace("'yolo'", "'centernet'");
  const plan = (await http('POST', '/flows/check', { source: good })).json<FlowCheckResult>();
  assert.equal(plan.ok, true, JSON.stringify(plan.errors));
  assert.match(plan.pipelines[0]!, /^people: cam1 .* detect centernet \[person\]/);
  assert.equal((await http('GET', '/flows')).json().flows.length, 0, 'checking stores nothing');
});

test('the attribute filter matches values at or above the confidence setting, numbers by their rounded value', async () => {
  const events = new EventRepository(db.pool);
  const base = { occurredAt: new Date(), cameraId: camera.id, runId: randomUUID(), kind: 'zone-entered' as const, className: 'person', region: 'desk', direction: null, score: 0.9, xyxy: [0, 0, 1, 1] as const, snapshot: undefined };
  const sure = await events.insert({ ...base, trackerId: 501, attributes: { gender: { value: 'female', confidence: 0.82 }, age: { value: 31.4, confidence: 0.9 } } });
  await events.insert({ ...base, trackerId: 502, attributes: { gender: { value: 'female', confidence: 0.02 } } });
  await events.insert({ ...base, trackerId: 503, attributes: { gender: { value: 'male', confidence: 0.95 } } });
  const ids = async (attribute: string) => (await events.list({ cameraId: camera.id, kind: 'zone-entered', attribute }, 0.6)).filter((e) => e.region === 'desk').map((e) => e.trackerId);
  assert.deepEqual(await ids('gender=female'), [501], 'the 2% "female" is unknown, not a match');
  assert.deepEqual(await ids('gender=male'), [503]);
  assert.deepEqual(await ids('age=31'), [501]);
  assert.deepEqual(await ids('age=40'), []);
  const listed = (await http('GET', `/events?cameraId=${camera.id}&attribute=gender%3Dfemale&className=person`)).json<{ events: ScouterEvent[] }>().events;
  assert.deepEqual(listed.filter((e) => e.region === 'desk').map((e) => e.id), [sure!.id], 'the same over HTTP with the configured 0.6');
});

test('retention deletes events past the age limit and beyond the per-camera count, newest kept', async () => {
  const events = new EventRepository(db.pool);
  const base = { cameraId: camera.id, runId: randomUUID(), kind: 'track-started' as const, trackerId: 99, className: 'person', region: null, direction: null, score: 0.9, xyxy: [0, 0, 1, 1] as const, attributes: {}, snapshot: undefined };
  const old = await events.insert({ ...base, occurredAt: new Date(Date.now() - 10 * 24 * 3600_000) });
  assert.ok(old);
  const count = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM scouter_events WHERE camera_id = $1', [camera.id])).rows[0]!.n;
  const before = await count();
  assert.ok((await events.prune(168, 1_000_000)) >= 1);
  assert.equal((await db.pool.query('SELECT 1 FROM scouter_events WHERE id = $1', [old.id])).rowCount, 0, 'the 10-day-old event is gone');
  assert.ok((await count()) >= before - 1, 'recent events stay (the pipeline may add more meanwhile)');
  const newest = await events.insert({ ...base, occurredAt: new Date(Date.now() + 60_000) });
  await events.prune(168, 1);
  assert.equal(await count(), 1, 'one event per camera kept');
  assert.equal((await db.pool.query('SELECT 1 FROM scouter_events WHERE id = $1', [newest!.id])).rowCount, 1, 'the newest one');
});

test('removing a running camera: its later rows are refused as a foreign key violation, which the batcher treats as gone', async () => {
  assert.equal((await http('DELETE', `/cameras/${camera.id}`)).statusCode, 204);
  await until('the worker to stop the camera', () => !scouter.worker!.running.has(camera.id));
  const late = new ObservationRepository(db.pool).insertBatch(camera.id, randomUUID(), [{ observedAt: new Date(), trackerId: 1, className: 'person', score: 0.9, xyxy: [0, 0, 1, 1], attributes: {} }]);
  await assert.rejects(late, (err: Error) => isCameraGone(err));
  assert.equal((await http('GET', `/events?cameraId=${camera.id}`)).json().events.length, 0, 'its events went with it');
});
