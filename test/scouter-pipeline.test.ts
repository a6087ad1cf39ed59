// Scouter end to end on loopback: a real clip of people, real ffmpeg decode, CenterNet on
// onnxruntime, ByteTrack, rows in the real PostgreSQL with NOTIFY, socket.io live events, /metrics.
import { injectAs, signIn } from '@sightline/auth/testing';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { BusChannel, type CameraStateEvent, type FrameEvent, type ObservationsInsertedNotice, type ScouterServerEvents, type TracksEvent } from '@sightline/contracts';
import { createTestDatabase, freePort, type TestDatabase } from '@sightline/db';
import { buildScouter, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { until } from './support/until.ts';

let db: TestDatabase;
let scouter: ScouterApp;
let socket: Socket<ScouterServerEvents>;
let listener: pg.Client;
const notices: ObservationsInsertedNotice[] = [];
const tracks: TracksEvent[] = [];
const frames: FrameEvent[] = [];
const states: CameraStateEvent[] = [];

before(async () => {
  db = await createTestDatabase();
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  await listener.query(`LISTEN ${BusChannel.observationsInserted}`);
  listener.on('notification', (n) => notices.push(JSON.parse(n.payload ?? '{}')));
  const config = loadScouterConfig({}, { logLevel: 'silent', mediaRoots: tmpdir(), heartbeatMs: 300, batchMs: 200, previewFps: 4, reconnectMaxMs: 1000 });
  scouter = await buildScouter({ config, pool: db.pool });
  injectAs(scouter.app, await signIn(db.pool, 'admin'));
  await scouter.app.listen({ host: '127.0.0.1', port: 0 });
  socket = connect(`http://127.0.0.1:${(scouter.app.server.address() as AddressInfo).port}`, { auth: { token: (await signIn(db.pool, 'admin')).token }, transports: ['websocket'] });
  socket.on('scouter:tracks', (e) => tracks.push(e));
  socket.on('scouter:frame', (e) => frames.push(e));
  socket.on('scouter:camera-state', (e) => states.push(e));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
});

after(async () => {
  socket?.close();
  await scouter?.app.close();
  await listener?.end();
  await db?.drop();
});

test('a clip added over HTTP is detected, tracked, stored with NOTIFY and published live', async (t) => {
  const clip = makePeopleClip(3);
  t.diagnostic(`clip from ${clip.source}`);
  const res = await scouter.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'lobby', uri: clip.path, fps: 10 } });
  assert.equal(res.statusCode, 201, res.body);
  const camera = res.json();
  assert.match(camera.uri, /^file:\/\/\/.*people\.mp4$/);

  // While it runs, /metrics has its counters, latency and per-stage times.
  const running = await until('metrics of the running camera', async () => {
    const text = (await scouter.app.inject({ method: 'GET', url: '/metrics' })).body;
    const processed = Number(new RegExp(`scouter_frames_processed_total\\{camera_id="${camera.id}",camera="lobby"\\} (\\d+)\\n`).exec(text)?.[1] ?? 0);
    return processed >= 3 ? text : undefined;
  });
  assert.match(running, /scouter_stage_ms\{camera_id="\d+",camera="lobby",stage="detect",quantile="0.5"\} [\d.]+/);
  assert.match(running, /scouter_latency_ms\{camera_id="\d+",camera="lobby",quantile="0.95"\} [\d.]+/);

  const ended = await until('the camera to end', () => states.find((s) => s.cameraId === camera.id && s.state === 'ended'), 90_000);
  assert.ok(states.some((s) => s.cameraId === camera.id && s.state === 'running'), 'the camera was running before it ended');
  assert.equal(ended.stats.framesDecoded, 30, '3 s at 10 fps');
  assert.equal(ended.stats.framesProcessed + ended.stats.framesDropped, ended.stats.framesDecoded, 'every decoded frame was processed or counted as dropped');

  const mine = tracks.filter((e) => e.cameraId === camera.id);
  assert.equal(mine.length, ended.stats.framesProcessed);
  const withPeople = mine.filter((e) => e.boxes.some((b) => b.className === 'person' && b.trackerId > 0));
  assert.ok(withPeople.length >= mine.length / 2, `people tracked in ${withPeople.length} of ${mine.length} frames`);
  for (const e of mine) {
    for (const b of e.boxes) {
      assert.ok(b.xyxy[0] >= 0 && b.xyxy[2] <= e.width && b.xyxy[1] >= 0 && b.xyxy[3] <= e.height && b.xyxy[0] < b.xyxy[2], `box ${b.xyxy} inside the ${e.width}x${e.height} frame`);
    }
  }
  // A tracker keeps identities: some id appears in many frames.
  const seen = new Map<number, number>();
  for (const e of mine) for (const b of e.boxes) seen.set(b.trackerId, (seen.get(b.trackerId) ?? 0) + 1);
  assert.ok(Math.max(...seen.values()) >= mine.length / 3, 'at least one track lasts a third of the clip');

  const preview = frames.find((f) => f.cameraId === camera.id);
  assert.ok(preview, 'a JPEG preview arrived');
  const jpeg = Buffer.from(preview.jpegBase64, 'base64');
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'preview starts with the JPEG SOI marker');
  assert.ok(frames.filter((f) => f.cameraId === camera.id).length < mine.length, 'previews come at a reduced rate');

  // Every published tracked box is one observation row; tracks match the tracker ids.
  const published = mine.reduce((n, e) => n + e.boxes.filter((b) => b.trackerId > 0).length, 0);
  const rows = await until('observations to be written', async () => {
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM observations WHERE camera_id = $1', [camera.id]);
    return rows[0]!.n === published ? rows[0]!.n : undefined;
  });
  assert.equal(rows, published);
  const { rows: trackRows } = await db.pool.query<{ tracker_id: number }>('SELECT tracker_id FROM tracks WHERE camera_id = $1 ORDER BY tracker_id', [camera.id]);
  assert.deepEqual(trackRows.map((r) => r.tracker_id), [...seen.keys()].filter((id) => id > 0).sort((a, b) => a - b));

  await until('a NOTIFY', () => notices.some((n) => n.cameraId === camera.id));
  for (const n of notices.filter((x) => x.cameraId === camera.id)) {
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM observations WHERE camera_id = $1 AND observed_at BETWEEN $2 AND $3', [camera.id, n.fromTime, n.toTime]);
    assert.ok(rows[0]!.n > 0, `the rows a NOTIFY announces (${n.fromTime}..${n.toTime}) are committed`);
  }

  const listed = (await scouter.app.inject({ method: 'GET', url: `/cameras/${camera.id}` })).json();
  assert.equal(listed.state, 'ended');
  assert.equal(listed.frameWidth, mine[0]!.width);
  assert.equal(listed.stats.framesProcessed, ended.stats.framesProcessed);

  // Played out, the camera was handed back: this worker no longer runs it.
  await until('the ended camera to leave the worker', async () => !scouter.worker!.running.has(camera.id));
  assert.doesNotMatch((await scouter.app.inject({ method: 'GET', url: '/metrics' })).body, new RegExp(`camera_id="${camera.id}"`));
});

test('a slow inference stage never queues frames without bound: the tracker predicts the ones that waited (counted), beyond half a second they drop (counted)', async () => {
  // The same real stages, with inference made slower than the camera by a wait after detection.
  const clip = makePeopleClip(2);
  const { createRealStages } = await import('../services/scouter/src/pipeline/real-stages.ts');
  const real = createRealStages({ inferenceThreads: 1 });
  const slow = await buildScouter({
    config: loadScouterConfig({}, { logLevel: 'silent', mediaRoots: tmpdir(), heartbeatMs: 300, batchMs: 200, previewFps: 0 }),
    pool: db.pool,
    stages: {
      ...real,
      async loadDetector(spec) {
        const d = await real.loadDetector(spec);
        return { className: d.className, detect: async (f) => { const out = await d.detect(f); await new Promise((r) => setTimeout(r, 250)); return out; } };
      },
    },
  });
  injectAs(slow.app, await signIn(db.pool, 'admin'));
  await scouter.app.close(); // one worker at a time in this database
  await slow.app.ready();
  try {
    const res = await slow.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'slow', uri: clip.path, fps: 10 } });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id;
    const camera = await until('the slow camera to end', async () => {
      const c = (await slow.app.inject({ method: 'GET', url: `/cameras/${id}` })).json();
      return c.state === 'ended' ? c : undefined;
    }, 60_000);
    assert.equal(camera.stats.framesDecoded, 20);
    // At under 4 passes/s against 10 frames/s a pass spans about three frames: the ones that
    // arrive during it wait, then get the tracker's boxes (every='auto'); a far slower pass (a busy
    // machine) would overflow the half-second backlog, and those frames are dropped.
    const { framesDropped, framesPredicted, framesProcessed } = camera.stats;
    assert.ok(framesPredicted >= 5 && framesDropped + framesPredicted >= 10, `dropped ${framesDropped}, predicted ${framesPredicted} of 20`);
    assert.equal(framesProcessed + framesDropped, 20);
  } finally {
    await slow.app.close();
    await real.release();
  }
});

test('a camera whose stream is down reconnects with backoff while another keeps running', async () => {
  const clip = makePeopleClip(4);
  const config = loadScouterConfig({}, { logLevel: 'silent', mediaRoots: tmpdir(), allowNetworks: '127.0.0.1', heartbeatMs: 300, batchMs: 200, previewFps: 0, reconnectMaxMs: 1000, stallMs: 2000 });
  const app = await buildScouter({ config, pool: db.pool });
  injectAs(app.app, await signIn(db.pool, 'admin'));
  await app.app.ready();
  try {
    const down = (await app.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'down', uri: `http://127.0.0.1:${await freePort()}/stream.mjpg` } })).json();
    const up = (await app.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'up', uri: clip.path, fps: 5, loop: true } })).json();
    const broken = await until('the dead stream to be reconnecting twice', async () => {
      const c = (await app.app.inject({ method: 'GET', url: `/cameras/${down.id}` })).json();
      return c.state === 'reconnecting' && c.stats.reconnects >= 2 ? c : undefined;
    }, 30_000);
    // Users see when the next attempt comes, not what answered at the address (that is in the log).
    assert.match(broken.stateMessage, /^the stream could not be read; the Scouter log has the details; reconnect attempt \d+ in \d+\.\d s$/);
    const healthy = (await app.app.inject({ method: 'GET', url: `/cameras/${up.id}` })).json();
    await until('the healthy camera to process frames', async () => ((await app.app.inject({ method: 'GET', url: `/cameras/${up.id}` })).json().stats.framesProcessed > 3 ? true : undefined));
    assert.notEqual(healthy.state, 'failed');
  } finally {
    await app.app.close();
  }
});
