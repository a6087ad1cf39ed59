// Two Scouter workers on loopback sharing one database: a page connected to the worker that does
// not run a camera receives that camera's JPEG previews (scouter:frame), the same bytes the
// running worker sent its own page. Previews do not fit a NOTIFY: they travel through the
// scouter_previews table and a small relayed reference.
import { injectAs, signIn } from '@sightline/auth/testing';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { Camera, FrameEvent, ScouterClientEvents, ScouterServerEvents } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { buildScouter, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { until } from './support/until.ts';

let db: TestDatabase;
const workers: ScouterApp[] = [];
const sockets: Socket<ScouterServerEvents, ScouterClientEvents>[] = [];
const frames: FrameEvent[][] = [];

before(async () => {
  db = await createTestDatabase();
  for (let i = 0; i < 2; i++) {
    const config = loadScouterConfig({}, { logLevel: 'silent', mediaRoots: tmpdir(), heartbeatMs: 300, leaseTtlMs: 2000, batchMs: 200, previewFps: 4 });
    const scouter = await buildScouter({ config, pool: db.pool });
    injectAs(scouter.app, await signIn(db.pool, 'admin'));
    await scouter.app.listen({ host: '127.0.0.1', port: 0 });
    const socket = connect(`http://127.0.0.1:${(scouter.app.server.address() as AddressInfo).port}`, { auth: { token: (await signIn(db.pool, 'admin')).token }, transports: ['websocket'] });
    const mine: FrameEvent[] = [];
    socket.on('scouter:frame', (e) => mine.push(e));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    workers.push(scouter);
    sockets.push(socket);
    frames.push(mine);
  }
});

after(async () => {
  for (const s of sockets) s.close();
  for (const w of workers) await w.app.close();
  await db?.drop();
});

test('a page on the worker that does not run a camera receives its JPEG previews', async (t) => {
  const clip = makePeopleClip(4);
  const res = await workers[0]!.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'preview', uri: clip.path, fps: 10, loop: false } });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json<Camera>().id;

  const holderId = await until('a worker to run the camera', async () => workers.find((w) => w.worker!.running.has(id))?.worker!.workerId);
  const holder = workers.findIndex((w) => w.worker!.workerId === holderId);
  const other = 1 - holder;
  await until('the camera to end', async () => (await workers[other]!.app.inject({ method: 'GET', url: `/cameras/${id}` })).json<Camera>().state === 'ended');
  const own = frames[holder]!.filter((f) => f.cameraId === id);
  // The last stored preview reaches the other page (previews replaced while a write ran are skipped).
  const relayed = await until('the last stored preview to be relayed', async () => {
    const { rows } = await db.pool.query<{ frame_index: string }>('SELECT frame_index FROM scouter_previews WHERE camera_id = $1', [id]);
    const got = frames[other]!.filter((f) => f.cameraId === id);
    return rows[0] && got.at(-1)?.frameIndex === Number(rows[0].frame_index) && got;
  });

  const bytes = own.map((f) => Buffer.from(f.jpegBase64, 'base64').length);
  t.diagnostic(`${own.length} previews at the holder, ${relayed.length} relayed; ${Math.min(...bytes)}-${Math.max(...bytes)} bytes each`);
  assert.ok(own.length >= 4, `the holder sent previews (${own.length})`);
  const ownByFrame = new Map(own.map((f) => [f.frameIndex, f]));
  for (const f of relayed) {
    const jpeg = Buffer.from(f.jpegBase64, 'base64');
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'a relayed preview starts with the JPEG SOI marker');
    assert.deepEqual([...jpeg.subarray(-2)], [0xff, 0xd9], 'and ends with the EOI marker');
    assert.deepEqual(f, ownByFrame.get(f.frameIndex), `relayed preview of frame ${f.frameIndex} is the one the holder sent`);
  }
  const order = relayed.map((f) => f.frameIndex);
  assert.deepEqual(order, [...new Set(order)].sort((a, b) => a - b), 'each relayed preview once, never an older one after a newer');
  assert.ok(relayed.length >= own.length / 2, `most previews relayed (${relayed.length} of ${own.length})`);
  assert.equal(new Set(own.map((f) => f.frameIndex)).size, own.length, 'the holder got its own previews once (not echoed back)');

  // Either worker serves the latest stored frame as a JPEG (the calibration screen's live still).
  const frame = await workers[other]!.app.inject({ method: 'GET', url: `/cameras/${id}/frame` });
  assert.equal(frame.statusCode, 200, frame.body);
  assert.equal(frame.headers['content-type'], 'image/jpeg');
  const { rows: [row] } = await db.pool.query<{ jpeg: Buffer; frame_index: string }>('SELECT jpeg, frame_index FROM scouter_previews WHERE camera_id = $1', [id]);
  assert.ok(frame.rawPayload.equals(row!.jpeg), 'the stored preview bytes');
  assert.equal(frame.headers['x-frame-index'], String(row!.frame_index));
  assert.equal(frame.headers['x-frame-width'], String(own.at(-1)!.width));
  const fresh = await workers[0]!.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'never run', uri: clip.path, fps: 10, loop: false } });
  await workers[0]!.app.inject({ method: 'DELETE', url: `/cameras/${fresh.json<Camera>().id}` });
  for (const [url, status, message] of [
    [`/cameras/${fresh.json<Camera>().id}/frame`, 404, /No camera/],
    ['/cameras/abc/frame', 400, /./],
  ] as const) {
    const r = await workers[0]!.app.inject({ method: 'GET', url });
    assert.equal(r.statusCode, status, `${url}: ${r.body}`);
    assert.match(r.json<{ message: string }>().message, message);
  }

  // The stored preview goes with its camera.
  const stored = await db.pool.query('SELECT 1 FROM scouter_previews WHERE camera_id = $1', [id]);
  assert.equal(stored.rowCount, 1);
  assert.equal((await workers[0]!.app.inject({ method: 'DELETE', url: `/cameras/${id}` })).statusCode, 204);
  assert.equal((await db.pool.query('SELECT 1 FROM scouter_previews WHERE camera_id = $1', [id])).rowCount, 0, 'deleted with the camera');
});

/** Width from a JPEG's start-of-frame marker. */
function jpegWidth(base64: string): number {
  const jpeg = Buffer.from(base64, 'base64');
  for (let i = 2; i + 9 < jpeg.length; ) {
    const marker = jpeg[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc3) return jpeg.readUInt16BE(i + 7);
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  throw new Error('no start-of-frame marker');
}

test('a page on the other worker opening the large view gets full-size previews from the worker running the camera', async () => {
  const clip = makePeopleClip(4);
  const res = await workers[0]!.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'focus', uri: clip.path, fps: 10, loop: true } });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json<Camera>().id;
  const holderId = await until('a worker to run the camera', async () => workers.find((w) => w.worker!.running.has(id))?.worker!.workerId);
  const other = 1 - workers.findIndex((w) => w.worker!.workerId === holderId);
  const seen = () => frames[other]!.filter((f) => f.cameraId === id);
  const grid = await until('grid previews on the other page', () => seen().at(-1));
  assert.ok(jpegWidth(grid.jpegBase64) < grid.width, `grid previews are scaled down (${jpegWidth(grid.jpegBase64)} of ${grid.width} px)`);
  const from = seen().length;
  sockets[other]!.emit('scouter:watch', { grid: [id], focus: id });
  await until('a full-size preview relayed to the page that asked', () => seen().slice(from).find((f) => jpegWidth(f.jpegBase64) === f.width));
  sockets[other]!.emit('scouter:watch', { grid: [id], focus: null });
});
