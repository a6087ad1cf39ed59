// A video's main set comes with the video, so reading its sets never writes; databases from before
// get missing main sets added at start (AnnotationService.ensureMainSets).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bearer, startHawk, testSchema, type HawkFixture } from './testing/hawk-fixture.ts';

let hawk: HawkFixture;
before(async () => {
  hawk = await startHawk();
});
after(async () => {
  await hawk.close();
});

const mainSets = async (videoId: number) => Number((await hawk.db.pool.query(`SELECT count(*) FROM hawk_annotation_sets WHERE video_id = $1 AND kind = 'main'`, [videoId])).rows[0].count);

test('an announced video has its main set; GET /videos/:id/sets reads it and writes nothing', async () => {
  const admin = bearer(hawk.adminToken);
  const project = (await hawk.app.inject({ method: 'POST', url: '/projects', headers: admin, payload: { name: 'sets', labelSchema: testSchema } })).json();
  const video = (await hawk.app.inject({ method: 'POST', url: `/projects/${project.id}/videos`, headers: admin, payload: { fileName: 'a.mp4', sizeBytes: 1000, frameStep: 1 } })).json();
  assert.equal(await mainSets(video.id), 1, 'created with the video');
  const sets = await hawk.app.inject({ method: 'GET', url: `/videos/${video.id}/sets`, headers: admin });
  assert.equal(sets.statusCode, 200, sets.body);
  assert.deepEqual(sets.json().map((s: { kind: string; version: number }) => [s.kind, s.version]), [['main', 0]]);

  // A video from before (no main set): reading its sets leaves it so; the start-up pass adds it.
  await hawk.db.pool.query(`DELETE FROM hawk_annotation_sets WHERE video_id = $1`, [video.id]);
  assert.deepEqual((await hawk.app.inject({ method: 'GET', url: `/videos/${video.id}/sets`, headers: admin })).json(), []);
  assert.equal(await mainSets(video.id), 0, 'GET wrote nothing');
  assert.ok((await hawk.app.hawk.annotations.ensureMainSets()) >= 1);
  assert.equal(await mainSets(video.id), 1);
  assert.equal(await hawk.app.hawk.annotations.ensureMainSets(), 0, 'a second pass adds nothing');
});
