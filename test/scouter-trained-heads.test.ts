// Trained heads in live pipelines: a camera asking for `upper_colour` runs the deployed version
// (ROI-aligned on the feature map of the detector's own pass in the inference thread); deploying
// another version and rolling back reach the running camera through NOTIFY scouter_heads without
// a restart. The two versions have different label sets, so each box says which one labelled it.
import { injectAs, signIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import type { Camera, ScouterServerEvents, TracksEvent } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { buildScouter, FlowRejectedError, runVideo, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { TrainingRepository } from '../services/scouter/src/training/training.repository.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { storeTrainedHead } from '../services/scouter/test-support/trained-head-fixture.ts';
import { until } from './support/until.ts';

let db: TestDatabase;
let scouter: ScouterApp;
let socket: Socket<ScouterServerEvents>;
const events: TracksEvent[] = [];
const clip = makePeopleClip(4).path;

before(async () => {
  db = await createTestDatabase();
  await storeTrainedHead(db.pool, { version: 1, labels: ['dark', 'light'], seed: 1 });
  await storeTrainedHead(db.pool, { version: 2, labels: ['red', 'green', 'blue'], seed: 2 });
  scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', mediaRoots: tmpdir(), heartbeatMs: 300, batchMs: 200, previewFps: 0 }), pool: db.pool });
  injectAs(scouter.app, await signIn(db.pool, 'operator'));
  await scouter.app.listen({ host: '127.0.0.1', port: 0 });
  socket = connect(`http://127.0.0.1:${(scouter.app.server.address() as AddressInfo).port}`, { auth: { token: (await signIn(db.pool, 'viewer')).token }, transports: ['websocket'] });
  socket.on('scouter:tracks', (e) => events.push(e));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
});

after(async () => {
  socket?.close();
  await scouter?.app.close();
  await db?.drop();
});

const valuesSince = (cameraId: number, from: number) =>
  events.slice(from).filter((e) => e.cameraId === cameraId).flatMap((e) => e.boxes.map((b) => b.attributes['upper_colour']?.value)).filter((v) => v !== undefined);

test('a running camera follows deploy and rollback of a trained head without a restart', async () => {
  const notDeployed = await scouter.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'early', uri: clip, attributes: ['upper_colour'] } });
  assert.equal(notDeployed.statusCode, 400, 'a head with no deployed version is refused');
  assert.match(notDeployed.json<{ message: string }>().message, /upper_colour is neither age, gender nor a deployed trained head/);

  const repo = new TrainingRepository(db.pool);
  assert.equal(await repo.deploy('upper_colour', 1), true);
  const res = await scouter.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'street', uri: clip, fps: 5, loop: true, attributes: ['upper_colour'] } });
  assert.equal(res.statusCode, 201, res.body);
  const camera = res.json<Camera>();

  await until('boxes labelled by version 1', () => valuesSince(camera.id, 0).length >= 3 || undefined, 180_000);
  assert.ok(valuesSince(camera.id, 0).every((v) => v === 'dark' || v === 'light'), `version 1 labels: ${[...new Set(valuesSince(camera.id, 0))]}`);

  assert.equal(await repo.deploy('upper_colour', 2), true);
  const mark = events.length;
  await until('boxes labelled by version 2', () => valuesSince(camera.id, mark).some((v) => v === 'red' || v === 'green' || v === 'blue') || undefined, 120_000);

  assert.equal(await repo.deploy('upper_colour', 1), true); // rollback
  const mark2 = events.length;
  await until('boxes labelled by version 1 again', () => valuesSince(camera.id, mark2).some((v) => v === 'dark' || v === 'light') || undefined, 120_000);

  // The flow language resolves deployed heads by name.
  const flow = (heads: string) => [
    `CREATE SOURCE cam TYPE video WITH uri='${pathToFileURL(clip).href}', fps=5;`,
    "CREATE STREAM people AS SELECT track(detect(frame)) FROM cam WHERE class='person';",
    `CREATE STREAM dressed AS SELECT attributes(people, heads=[${heads}]) FROM people;`,
    'INSERT INTO postgres FROM dressed;',
  ].join('\n');
  const saved = await scouter.app.inject({ method: 'PUT', url: '/flows/dressed', payload: { source: flow("'upper_colour', 'gender'") } });
  assert.equal(saved.statusCode, 201, saved.body);
  const unknown = await scouter.app.inject({ method: 'PUT', url: '/flows/hats', payload: { source: flow("'hat'") } });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /unknown head 'hat'.*upper_colour/);

  // `sightline run --flow` (runVideo) resolves and runs the deployed head too; an unknown head is named.
  const run = await runVideo({ pool: db.pool, video: clip, flow: { text: flow("'upper_colour'"), fileName: 'dressed.flow' }, inferenceThreads: 1 });
  const { rows } = await db.pool.query<{ value: string }>(`SELECT DISTINCT attributes->'upper_colour'->>'value' AS value FROM observations WHERE camera_id = $1 AND attributes ? 'upper_colour'`, [run.cameraId]);
  assert.ok(rows.length > 0, 'the run stored observations with the trained head');
  assert.ok(rows.every((r) => r.value === 'dark' || r.value === 'light'), `the deployed version 1 labelled them: ${rows.map((r) => r.value)}`);
  await assert.rejects(runVideo({ pool: db.pool, video: clip, flow: { text: flow("'hat'"), fileName: 'hats.flow' } }), (err: Error) => err instanceof FlowRejectedError && /hats\.flow:\d+:\d+: error: unknown head 'hat'.*'upper_colour'/.test(err.message));

  const state = (await scouter.app.inject({ method: 'GET', url: `/cameras/${camera.id}` })).json<Camera>();
  assert.equal(state.state, 'running', 'the camera ran on through both swaps');
  const del = await scouter.app.inject({ method: 'DELETE', url: `/cameras/${camera.id}` });
  assert.ok(del.statusCode < 300, del.body);
});
