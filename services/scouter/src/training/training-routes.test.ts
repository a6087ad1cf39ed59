// /training/jobs and /heads over HTTP against the real database: configs refused naming the key,
// a queued grid run by the service's training worker, a job without labels failing with the
// reason and storing no head, deploy/rollback of unknown versions answered 404/409.
import { IdentityService } from '@sightline/auth';
import { injectAs, signIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TrainJob } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { buildScouter, type ScouterApp } from '../app.ts';
import { loadScouterConfig } from '../config.ts';
import { startHawkApi, type HawkApiFixture } from '../../test-support/hawk-api-fixture.ts';
import { expandGrid, parseTrainConfig } from './train-config.ts';

let db: TestDatabase;
let scouter: ScouterApp;
let hawk: HawkApiFixture;
const mediaDir = mkdtempSync(join(tmpdir(), 'hawk-media-'));

before(async () => {
  db = await createTestDatabase();
  const { rows: [user] } = await db.pool.query<{ id: number }>(`INSERT INTO auth_users (username, password_hash, role) VALUES ('a', 'x', 'admin') RETURNING id`);
  const schema = { classes: [{ name: 'person', attributes: [{ name: 'hat', type: 'checkbox', default: false }, { name: 'note', type: 'text', default: '' }] }] };
  const { rows: [project] } = await db.pool.query<{ id: number }>('INSERT INTO hawk_projects (name, label_schema, created_by) VALUES ($1, $2, $3) RETURNING id', ['empty', JSON.stringify(schema), user!.id]);
  await db.pool.query(`INSERT INTO hawk_videos (project_id, file_name, status, size_bytes, frame_count, created_by) VALUES ($1, 'v.mp4', 'ready', 1, 3, $2)`, [project!.id, user!.id]);
  // Scouter reads the project and its labels through a real Hawk's API (no frames are needed here).
  hawk = await startHawkApi(db.pool, mediaDir);
  scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', heartbeatMs: 300, hawkUrl: hawk.url, hawkToken: hawk.token }), pool: db.pool });
  injectAs(scouter.app, await signIn(db.pool, 'operator'));
  await scouter.app.ready();
});

after(async () => {
  await scouter?.app.close();
  await hawk?.close();
  await db?.drop();
  rmSync(mediaDir, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) => scouter.app.inject({ method: 'POST', url, payload: payload as object });

test('bad configs get a 400 that names each wrong key, and queue nothing', async () => {
  const cases: [unknown, RegExp][] = [
    [{ project: 'empty', attributes: ['hat'], epochs: 0 }, /^epochs: /],
    [{ project: 'empty', attributes: ['hat'], optimiser: 'adam' }, /^optimiser: unknown key/],
    [{ project: 'nope', attributes: ['hat'] }, /^project: Hawk has no project "nope"/],
    [{ project: 'empty', attributes: ['colour'] }, /^attributes: the label schema has no attribute "colour" .*hat, note/],
    [{ project: 'empty', attributes: ['note'] }, /^attributes: attribute "note" is a text attribute/],
  ];
  for (const [body, expected] of cases) {
    const res = await post('/training/jobs', body);
    assert.equal(res.statusCode, 400, res.body);
    const problems = res.json<{ problems: string[] }>().problems;
    assert.ok(problems.some((p) => expected.test(p)), `${JSON.stringify(body)} -> ${JSON.stringify(problems)}`);
  }
  assert.deepEqual((await scouter.app.inject({ method: 'GET', url: '/training/jobs' })).json(), { jobs: [] });
});

test('a queued grid runs in the service; a job without approved labels fails with the reason and stores no head', async () => {
  const res = await post('/training/jobs', { project: 'empty', attributes: ['hat'], lr: [0.1, 0.01], epochs: 2 });
  assert.equal(res.statusCode, 201, res.body);
  const jobs = res.json<{ jobs: TrainJob[] }>().jobs;
  assert.deepEqual(jobs.map((j) => [j.name, j.config.lr, j.status]), [['hat', 0.1, 'queued'], ['hat', 0.01, 'queued']]);
  for (const job of jobs) {
    let current: TrainJob | undefined;
    for (let i = 0; i < 400 && current?.status !== 'failed'; i++) {
      current = (await scouter.app.inject({ method: 'GET', url: `/training/jobs/${job.id}` })).json<TrainJob>();
      if (current.status !== 'failed') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(current?.status, 'failed');
    assert.match(current!.error ?? '', /only 0 approved boxes carry "hat"; label and approve more in Hawk/);
  }
  assert.deepEqual((await scouter.app.inject({ method: 'GET', url: '/heads' })).json(), { heads: [] });
  const cancelled = await post(`/training/jobs/${jobs[0]!.id}/cancel`, {});
  assert.equal(cancelled.json<TrainJob>().status, 'failed', 'a finished job stays as it ended');
  assert.equal((await post('/training/jobs/9999/cancel', {})).statusCode, 404);
});

test('a job left running by a worker that died is failed at the next claim, with no head stored', async () => {
  const { rows: [job] } = await db.pool.query<{ id: number }>(
    `INSERT INTO scouter_training_jobs (grid_id, name, config, status, worker, started_at, heartbeat_at, progress)
     VALUES ('g', 'hat', $1, 'running', 'gone', now() - interval '2 hours', now() - interval '1 hour', 0.4) RETURNING id`,
    [JSON.stringify(expandGrid(parseTrainConfig({ project: 'empty', attributes: ['hat'] }))[0])],
  );
  // Queueing wakes the service's worker, whose claim fails the stale job first.
  assert.equal((await post('/training/jobs', { project: 'empty', attributes: ['hat'], epochs: 1 })).statusCode, 201);
  let current: TrainJob | undefined;
  for (let i = 0; i < 400 && current?.status !== 'failed'; i++) {
    current = (await scouter.app.inject({ method: 'GET', url: `/training/jobs/${job!.id}` })).json<TrainJob>();
    if (current.status !== 'failed') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(current?.status, 'failed');
  assert.match(current!.error ?? '', /worker stopped .* no head was stored/);
  assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM scouter_attribute_heads')).rows[0].n, 0);
});

test('deploying or rolling back what does not exist is a 4xx', async () => {
  assert.equal((await post('/heads/hat/deploy', { version: 1 })).statusCode, 404);
  assert.equal((await post('/heads/hat/deploy', { version: 'one' })).statusCode, 400);
  assert.equal((await post('/heads/hat/rollback', {})).statusCode, 409);
  assert.equal((await scouter.app.inject({ method: 'GET', url: '/heads/hat/1/model.onnx' })).statusCode, 404);
  // Crops of wrong boxes: a job without metrics, a missing job and a bad index.
  assert.equal((await scouter.app.inject({ method: 'GET', url: '/training/jobs/1/wrong/0/crop.jpg' })).statusCode, 404);
  assert.equal((await scouter.app.inject({ method: 'GET', url: '/training/jobs/9999/wrong/0/crop.jpg' })).statusCode, 404);
  assert.equal((await scouter.app.inject({ method: 'GET', url: '/training/jobs/1/wrong/99/crop.jpg' })).statusCode, 400);
});

test("Scouter reads Hawk only with a valid Hawk token: none, a revoked one or a project the token's user may not see is refused and queues nothing", async () => {
  const before = (await db.pool.query('SELECT count(*)::int AS n FROM scouter_training_jobs')).rows[0].n;
  const cases: [string, RegExp][] = [
    ['', /no Hawk API token: set SCOUTER_HAWK_TOKEN/],
    ['sl_not-a-token', /Hawk answered 401 .*token expired or was revoked/],
  ];
  for (const [hawkToken, message] of cases) {
    const other = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', worker: false, hawkUrl: hawk.url, hawkToken }), pool: db.pool });
    injectAs(other.app, await signIn(db.pool, 'operator'));
    const res = await other.app.inject({ method: 'POST', url: '/training/jobs', payload: { project: 'empty', attributes: ['hat'] } });
    await other.app.close();
    assert.equal(res.statusCode, 502, res.body);
    assert.match(res.json<{ message: string }>().message, message);
  }
  // An annotator of no project sees no project through Hawk's API, so the project is unknown to it.
  const identity = new IdentityService(db.pool, { sessionHours: 1 });
  const outsider = await identity.createUser({ username: 'outsider', password: 'outsider-secret', role: 'annotator' });
  const { token } = await identity.createApiToken(outsider, { name: 'training', services: ['hawk'], readOnly: true });
  const other = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', worker: false, hawkUrl: hawk.url, hawkToken: token }), pool: db.pool });
  injectAs(other.app, await signIn(db.pool, 'operator'));
  const res = await other.app.inject({ method: 'POST', url: '/training/jobs', payload: { project: 'empty', attributes: ['hat'] } });
  await other.app.close();
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.json<{ problems: string[] }>().problems.join('\n'), /project: Hawk has no project "empty" that the Hawk API token's user may see/);
  assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM scouter_training_jobs')).rows[0].n, before);
});
