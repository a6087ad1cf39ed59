// No half-written state: each multi-step write (Hawk import and consensus merge, Kanohi calibration
// + backfill job, Scouter flow start and camera add) fails at its last step, injected with a
// trigger on a real PostgreSQL, and must leave no trace of its earlier steps. The import is also cut
// by killing the process that runs it while its transaction is open.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import type { TestDatabase } from '@sightline/db';
import type { ServiceApp } from '@sightline/server-kit';
import type { KanohiApp } from '../services/kanohi/src/app.ts';
import { bearer, makeTestVideo, startHawk, testSchema, type HawkFixture } from '../services/hawk/src/testing/hawk-fixture.ts';
import { startKanohi, type KanohiFixture } from '../services/kanohi/src/testing/kanohi-fixture.ts';
import { insertCamera } from '../services/kanohi/src/testing/scouter-rows.ts';
import { startScouter, type ScouterFixture } from './support/scouter-app.ts';
import { until } from './support/until.ts';

/** Makes every INSERT into `table` fail (or, with a delay, wait) until the returned function is called. */
async function injectAt(pool: pg.Pool, table: string, action: 'fail' | { sleepSeconds: number } = 'fail'): Promise<() => Promise<void>> {
  const body = action === 'fail' ? `RAISE EXCEPTION 'injected failure at ${table}'` : `PERFORM pg_sleep(${action.sleepSeconds})`;
  await pool.query(`CREATE OR REPLACE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body}; RETURN NEW; END $$`);
  await pool.query(`CREATE TRIGGER injected_fault BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION injected_fault()`);
  return async () => {
    await pool.query(`DROP TRIGGER injected_fault ON ${table}`);
  };
}

const count = async (pool: pg.Pool, sql: string, params: unknown[] = []) => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n;

describe('hawk', () => {
  let hawk: HawkFixture;
  let videoId: number;
  let projectId: number;
  let setId: number;
  const mot = '1,1,10,10,20,40,1,1\n2,1,12,10,20,40,1,1\n3,-1,50,50,10,10,1,2\n';
  const snapshot = async () => ({
    version: (await hawk.db.pool.query('SELECT version FROM hawk_annotation_sets WHERE id = $1', [setId])).rows[0].version,
    frames: await count(hawk.db.pool, 'hawk_frame_boxes WHERE set_id = $1', [setId]),
    tracks: await count(hawk.db.pool, 'hawk_tracks WHERE set_id = $1', [setId]),
    changes: await count(hawk.db.pool, 'hawk_annotation_changes WHERE set_id = $1', [setId]),
  });
  before(async () => {
    hawk = await startHawk();
    projectId = (await hawk.app.inject({ method: 'POST', url: '/projects', headers: bearer(hawk.adminToken), payload: { name: 'tx', labelSchema: testSchema } })).json().id;
    videoId = (await hawk.upload(projectId, makeTestVideo(join(hawk.mediaDir, 'clip.mp4'), { seconds: 1, fps: 10 }))).id;
    setId = (await hawk.app.inject({ method: 'GET', url: `/videos/${videoId}/sets`, headers: bearer(hawk.adminToken) })).json()[0].id;
  });
  after(() => hawk.close());

  test('an import failing at its last write leaves the set as it was', async () => {
    const before = await snapshot();
    const release = await injectAt(hawk.db.pool, 'hawk_annotation_changes');
    try {
      const res = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/import?format=mot`, headers: { ...bearer(hawk.adminToken), 'content-type': 'text/plain' }, payload: mot });
      assert.equal(res.statusCode, 500);
      assert.doesNotMatch(res.body, /injected/, 'a 500 hides internals');
    } finally {
      await release();
    }
    assert.deepEqual(await snapshot(), before);
    const ok = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/import?format=mot`, headers: { ...bearer(hawk.adminToken), 'content-type': 'text/plain' }, payload: mot });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.deepEqual(await snapshot(), { version: before.version + 1, frames: before.frames + 1, tracks: before.tracks + 1, changes: before.changes + 1 });
  });

  test('an import whose process is killed mid-transaction leaves the set as it was', async () => {
    const before = await snapshot();
    const release = await injectAt(hawk.db.pool, 'hawk_annotation_changes', { sleepSeconds: 2 });
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'import-child.ts')], {
      env: { ...process.env, CHILD_DATABASE_URL: hawk.db.url, CHILD_MEDIA_DIR: hawk.mediaDir, CHILD_VIDEO_ID: String(videoId), CHILD_MOT: mot },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await until('the import to reach its last write', async () => (await count(hawk.db.pool, "pg_stat_activity WHERE query LIKE 'INSERT INTO hawk_annotation_changes%' AND state = 'active'")) > 0);
      child.kill('SIGKILL');
      await exited;
      // The server notices the dead client once the sleeping statement returns, and rolls back.
      await until('the dead import to be rolled back', async () => (await count(hawk.db.pool, "pg_stat_activity WHERE query LIKE 'INSERT INTO hawk_annotation_changes%'")) === 0);
    } finally {
      child.kill('SIGKILL');
      await release();
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('a consensus merge failing at its last write leaves no merged set and no run', async () => {
    const annotators = [await hawk.user('alice', 'annotator', [projectId]), await hawk.user('bob', 'annotator', [projectId])];
    const created = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/assignments`, headers: bearer(hawk.adminToken), payload: { frameFrom: 0, frameTo: 5, annotatorIds: annotators.map((a) => a.id) } });
    assert.equal(created.statusCode, 201, created.body);
    for (const [i, annotator] of annotators.entries()) {
      const replica = created.json().replicas[i].id;
      const saved = await hawk.app.inject({ method: 'PATCH', url: `/sets/${replica}/annotations`, headers: annotator.headers, payload: { baseVersion: 0, frames: { 2: [{ id: 'a', label: 'person', xyxy: [1, 1, 20, 30 + i], attributes: { clothing: 'coat', occluded: false } }] } } });
      assert.equal(saved.statusCode, 200, saved.body);
    }
    const release = await injectAt(hawk.db.pool, 'hawk_consensus_runs');
    try {
      const res = await hawk.app.inject({ method: 'POST', url: `/assignments/${created.json().id}/merge`, headers: bearer(hawk.adminToken), payload: {} });
      assert.equal(res.statusCode, 500);
    } finally {
      await release();
    }
    assert.equal(await count(hawk.db.pool, "hawk_annotation_sets WHERE kind = 'merged'"), 0);
    assert.equal(await count(hawk.db.pool, 'hawk_consensus_runs'), 0);
    const merged = await hawk.app.inject({ method: 'POST', url: `/assignments/${created.json().id}/merge`, headers: bearer(hawk.adminToken), payload: {} });
    assert.equal(merged.statusCode, 201, merged.body);
    assert.equal(merged.json().kept, 1);
  });
});

describe('kanohi', () => {
  let kanohi: KanohiFixture;
  let db: TestDatabase;
  let app: KanohiApp;
  before(async () => void ({ db, app } = kanohi = await startKanohi()));
  after(() => kanohi?.close());

  test('a calibration whose backfill job cannot be queued is not saved, and the camera stays where it was', async () => {
    const cameraId = await insertCamera(db.pool, 'door', [640, 480]);
    const floorId = (await app.inject({ method: 'POST', url: '/floors', payload: { name: 'Hall' } })).json().id;
    const body = { floorId, points: [[[0, 0], [0, 0]], [[640, 0], [10, 0]], [[640, 480], [10, 8]], [[0, 480], [0, 8]]].map(([imageXy, floorXy]) => ({ imageXy, floorXy })) };
    const release = await injectAt(db.pool, 'kanohi_backfill_jobs');
    try {
      const res = await app.inject({ method: 'POST', url: `/cameras/${cameraId}/calibrations`, payload: body });
      assert.equal(res.statusCode, 500);
    } finally {
      await release();
    }
    assert.equal(await count(db.pool, 'calibrations WHERE camera_id = $1', [cameraId]), 0);
    assert.equal(await count(db.pool, 'camera_placements WHERE camera_id = $1', [cameraId]), 0);
    const saved = await app.inject({ method: 'POST', url: `/cameras/${cameraId}/calibrations`, payload: body });
    assert.equal(saved.statusCode, 201, saved.body);
    assert.equal(await count(db.pool, 'kanohi_backfill_jobs WHERE calibration_id = $1', [saved.json().id]), 1, 'the job commits with its calibration');
  });
});

describe('scouter', () => {
  let db: TestDatabase;
  let app: ServiceApp;
  const dir = mkdtempSync(join(tmpdir(), 'scouter-tx-'));
  const video = join(dir, 'clip.mp4');
  makeTestVideo(video, { seconds: 1, width: 64, height: 48 });
  let scouter: ScouterFixture;
  before(async () => {
    // The camera's address is on a private network and the flow's video is in `dir`: both allowed here.
    scouter = await startScouter({ worker: false, mediaRoots: dir, allowNetworks: 'cam.local' }, { injectAs: 'operator' });
    ({ db } = scouter);
    app = scouter.scouter.app;
  });
  after(() => scouter?.close());

  test('a camera whose pipeline row cannot be written is not added', async () => {
    const release = await injectAt(db.pool, 'camera_pipelines');
    try {
      const res = await app.inject({ method: 'POST', url: '/cameras', payload: { name: 'door', uri: 'rtsp://cam.local/door' } });
      assert.equal(res.statusCode, 500);
    } finally {
      await release();
    }
    assert.equal(await count(db.pool, 'cameras'), 0);
    assert.equal((await app.inject({ method: 'POST', url: '/cameras', payload: { name: 'door', uri: 'rtsp://cam.local/door' } })).statusCode, 201);
  });

  test('a flow start failing at its second camera creates none of them', async () => {
    const source = [
      `CREATE SOURCE hall TYPE video WITH uri='${pathToFileURL(video).href}', fps=5;`,
      `CREATE SOURCE yard TYPE video WITH uri='${pathToFileURL(video).href}', fps=5;`,
      "CREATE STREAM a AS SELECT track(detect(frame, model='centernet')) FROM hall WHERE class='person';",
      "CREATE STREAM b AS SELECT track(detect(frame, model='centernet')) FROM yard WHERE class='person';",
      'INSERT INTO postgres FROM a;',
      'INSERT INTO postgres FROM b;',
    ].join('\n');
    assert.equal((await app.inject({ method: 'PUT', url: '/flows/two', payload: { source } })).statusCode, 201);
    const before = await count(db.pool, 'cameras');
    // The first camera's pipeline row goes in, the second one's fails.
    await db.pool.query(`CREATE SEQUENCE injected_count`);
    await db.pool.query(`CREATE OR REPLACE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF nextval('injected_count') > 1 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await db.pool.query(`CREATE TRIGGER injected_fault BEFORE INSERT ON camera_pipelines FOR EACH ROW EXECUTE FUNCTION injected_fault()`);
    try {
      const res = await app.inject({ method: 'POST', url: '/flows/two/start' });
      assert.equal(res.statusCode, 500);
    } finally {
      await db.pool.query('DROP TRIGGER injected_fault ON camera_pipelines');
    }
    assert.equal(await count(db.pool, 'cameras'), before);
    assert.equal((await app.inject({ method: 'GET', url: '/flows/two' })).json().state, 'stopped');
    const started = await app.inject({ method: 'POST', url: '/flows/two/start' });
    assert.equal(started.statusCode, 200, started.body);
    assert.equal(await count(db.pool, 'cameras'), before + 2);
  });
});
