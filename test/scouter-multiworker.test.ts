// Two Scouter workers on loopback sharing one database: a file camera (loop off) that one worker
// played to its end is marked ended and its lease released, and neither worker plays it again; a
// page connected to the other worker still receives its live tracks and states (relayed through
// PostgreSQL NOTIFY).
import { injectAs, signIn } from '@sightline/auth/testing';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { Camera, CameraStateEvent, ScouterServerEvents, TracksEvent } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { buildScouter, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { until } from './support/until.ts';

let db: TestDatabase;
const workers: ScouterApp[] = [];
const sockets: Socket<ScouterServerEvents>[] = [];
const received: { tracks: TracksEvent[]; states: CameraStateEvent[] }[] = [];

before(async () => {
  db = await createTestDatabase();
  for (let i = 0; i < 2; i++) {
    const scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', mediaRoots: tmpdir(), heartbeatMs: 300, leaseTtlMs: 2000, batchMs: 200, previewFps: 0 }), pool: db.pool });
    injectAs(scouter.app, await signIn(db.pool, 'admin'));
    await scouter.app.listen({ host: '127.0.0.1', port: 0 });
    const socket = connect(`http://127.0.0.1:${(scouter.app.server.address() as AddressInfo).port}`, { auth: { token: (await signIn(db.pool, 'admin')).token }, transports: ['websocket'] });
    const mine = { tracks: [] as TracksEvent[], states: [] as CameraStateEvent[] };
    socket.on('scouter:tracks', (e) => mine.tracks.push(e));
    socket.on('scouter:camera-state', (e) => mine.states.push(e));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    workers.push(scouter);
    sockets.push(socket);
    received.push(mine);
  }
});

after(async () => {
  for (const s of sockets) s.close();
  for (const w of workers) await w.app.close();
  await db?.drop();
});

test('an ended file camera releases its lease and is not replayed; the other worker relays its live events', async () => {
  const clip = makePeopleClip(2);
  const res = await workers[0]!.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'once', uri: clip.path, fps: 10, loop: false } });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json<Camera>().id;

  const holderId = await until('a worker to run the camera', async () => workers.find((w) => w.worker!.running.has(id))?.worker!.workerId);
  const holder = workers.findIndex((w) => w.worker!.workerId === holderId);
  const other = 1 - holder;
  const ended = await until('the camera to end', async () => {
    const c = (await workers[other]!.app.inject({ method: 'GET', url: `/cameras/${id}` })).json<Camera>();
    return c.state === 'ended' ? c : undefined;
  });
  assert.equal(ended.stats.framesDecoded, 20);
  await until('the lease to be released', async () => {
    const { rows } = await db.pool.query('SELECT 1 FROM camera_leases WHERE camera_id = $1', [id]);
    return rows.length === 0 && !workers[holder]!.worker!.running.has(id);
  });

  // Several heartbeats and more than a lease TTL later, nobody has played it again.
  await new Promise((r) => setTimeout(r, 2600));
  assert.ok(workers.every((w) => !w.worker!.running.has(id)), 'no worker runs the ended camera');
  const after = (await workers[0]!.app.inject({ method: 'GET', url: `/cameras/${id}` })).json<Camera>();
  assert.equal(after.state, 'ended');
  assert.equal(after.stats.framesDecoded, 20, 'not decoded again');
  assert.equal(after.workerId, null);

  // The page on the worker that never held the camera received its boxes and states.
  const viaHolder = received[holder]!.tracks.filter((e) => e.cameraId === id);
  const viaOther = received[other]!.tracks.filter((e) => e.cameraId === id);
  assert.ok(viaHolder.length > 0, 'the holder published tracks');
  assert.ok(viaOther.length >= viaHolder.length * 0.9, `relayed ${viaOther.length} of ${viaHolder.length} tracks events`);
  assert.deepEqual(viaOther.map((e) => e.frameIndex).slice(0, 5), viaHolder.map((e) => e.frameIndex).slice(0, 5));
  assert.ok(viaOther.some((e) => e.boxes.length > 0), 'relayed events carry boxes');
  assert.ok(received[other]!.states.some((s) => s.cameraId === id && s.state === 'ended' && s.workerId === holderId), 'the ended state was relayed');
  assert.equal(new Set(viaHolder.map((e) => e.frameIndex)).size, viaHolder.length, 'the holder got each frame once (its own relayed events are not echoed back)');

  // Changing its settings makes it play again.
  const patched = await workers[0]!.app.inject({ method: 'PATCH', url: `/cameras/${id}`, payload: { fps: 5 } });
  assert.equal(patched.statusCode, 200, patched.body);
  await until('the changed camera to run again', async () => workers.some((w) => w.worker!.running.has(id)));
});
