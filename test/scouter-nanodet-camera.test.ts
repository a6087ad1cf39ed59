// A camera that names NanoDet runs it live: its boxes reach the tracker, Postgres and the live
// socket, the inference engines table lists nanodet, and switching the camera back to CenterNet
// reloads its pipeline. Needs NanoDet's weights (`npx sightline models fetch nanodet`); skipped,
// saying so, without them.
import { injectAs, signIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import type { Camera, InferenceStatus } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { weightsMissing } from '@sightline/models';
import { buildScouter, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { until } from './support/until.ts';

const missing = weightsMissing('nanodet');
let db: TestDatabase;
let scouter: ScouterApp;

before(async () => {
  if (missing) return;
  db = await createTestDatabase();
  scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', mediaRoots: tmpdir(), heartbeatMs: 300, batchMs: 200, previewFps: 0, inferenceThreads: 1 }), pool: db.pool });
  injectAs(scouter.app, await signIn(db.pool, 'operator'));
});
after(async () => {
  await scouter?.app.close();
  await db?.drop();
});

/** Person observations of a camera's tracks stored since `since`. */
const tracked = async (cameraId: number, since: string) =>
  (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM observations WHERE camera_id = $1 AND class_name = 'person' AND observed_at > $2`, [cameraId, since])).rows[0]!.n;

test('a camera with detector nanodet tracks people with NanoDet, and back to centernet on a PATCH', { skip: missing }, async () => {
  const clip = makePeopleClip(4);
  const res = await scouter.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'gate', uri: clip.path, fps: 5, loop: true, detector: 'nanodet' } });
  assert.equal(res.statusCode, 201, res.body);
  const camera = res.json<Camera>();
  assert.equal(camera.detector, 'nanodet');
  const start = new Date(0).toISOString();
  await until('people tracked with NanoDet', async () => (await tracked(camera.id, start)) >= 10 || undefined, 180_000);
  const engines = (await scouter.app.inject({ method: 'GET', url: '/inference' })).json<InferenceStatus>();
  assert.deepEqual(engines.models.map((m) => m.model).filter((m) => m === 'nanodet' || m === 'centernet'), ['nanodet'], 'only NanoDet was loaded for this camera');

  const patched = await scouter.app.inject({ method: 'PATCH', url: `/cameras/${camera.id}`, payload: { detector: 'centernet' } });
  assert.equal(patched.statusCode, 200, patched.body);
  await until('CenterNet loaded for the camera', async () => (await scouter.app.inject({ method: 'GET', url: '/inference' })).json<InferenceStatus>().models.some((m) => m.model === 'centernet') || undefined, 180_000);
  const since = new Date().toISOString();
  await until('people tracked with CenterNet after the switch', async () => (await tracked(camera.id, since)) >= 5 || undefined, 180_000);
});
