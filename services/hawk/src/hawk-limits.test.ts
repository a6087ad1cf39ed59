// Hawk's bounds on a real PostgreSQL: imports obey the save limits (the 400,000-box frame is
// refused, nothing written), bodies past the import limit are 413s naming it, a frame at the
// largest allowed size does not starve 50 concurrent readers of other frames, reads past the box cap
// ask for a narrower range, and uploads that stopped are swept with their files.
import assert from 'node:assert/strict';
import { existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HAWK_LIMITS } from '@sightline/contracts';
import { bearer, makeTestVideo, startHawk, testSchema, type HawkFixture } from './testing/hawk-fixture.ts';

let hawk: HawkFixture;
let projectId: number;
let videoId: number;
let setId: number;
let admin: Record<string, string>;

before(async () => {
  hawk = await startHawk();
  admin = bearer(hawk.adminToken);
  projectId = (await hawk.app.inject({ method: 'POST', url: '/projects', headers: admin, payload: { name: 'limits', labelSchema: testSchema } })).json().id;
  videoId = (await hawk.upload(projectId, makeTestVideo(join(hawk.mediaDir, 'clip.mp4'), { seconds: 6, fps: 10 }))).id;
  setId = (await hawk.app.inject({ method: 'GET', url: `/videos/${videoId}/sets`, headers: admin })).json()[0].id;
});
after(() => hawk.close());

const boxes = (n: number, frame: number) => Array.from({ length: n }, (_, i) => ({ id: `f${frame}b${i}`, label: 'person', xyxy: [i % 300, frame, (i % 300) + 10, frame + 20], attributes: { clothing: 'coat', occluded: false } }));
const setState = async () => ({
  version: (await hawk.db.pool.query('SELECT version FROM hawk_annotation_sets WHERE id = $1', [setId])).rows[0].version as number,
  frames: (await hawk.db.pool.query('SELECT count(*)::int AS n FROM hawk_frame_boxes WHERE set_id = $1', [setId])).rows[0].n as number,
});

test('a COCO import of 400,000 boxes on one frame is refused naming the per-frame limit; nothing is written', async () => {
  const annotations = Array.from({ length: 400_000 }, (_, i) => ({ id: i + 1, image_id: 1, category_id: 1, bbox: [i % 300, 10, 5, 5], area: 25, iscrowd: 0 }));
  const doc = JSON.stringify({ images: [{ id: 1, file_name: '000001.jpg', width: 320, height: 240 }], categories: [{ id: 1, name: 'person' }], annotations });
  assert.ok(doc.length > 30_000_000 && doc.length < HAWK_LIMITS.importBytes, `the document is ${doc.length} bytes`);
  const before = await setState();
  const res = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/import?format=coco`, headers: { ...admin, 'content-type': 'application/json' }, payload: doc });
  assert.equal(res.statusCode, 400, res.body.slice(0, 300));
  assert.match(res.json().message, /frame 0 has 400000 boxes, more than the limit of 1000 boxes per frame/);
  assert.deepEqual(await setState(), before);
});

test('an import body past the import limit is a 413 naming the limit', async () => {
  const res = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/import?format=mot`, headers: { ...admin, 'content-type': 'text/plain' }, payload: '1,-1,1,1,5,5\n'.repeat(Math.ceil((HAWK_LIMITS.importBytes + 1) / 13)) });
  assert.equal(res.statusCode, 413);
  assert.match(res.json().message, /larger than this route's limit of 64 MiB; nothing was stored/);
});

test('saves past the per-frame limit are 400s (the same limit imports obey)', async () => {
  const res = await hawk.app.inject({ method: 'PATCH', url: `/sets/${setId}/annotations`, headers: admin, payload: { baseVersion: (await setState()).version, frames: { 3: boxes(HAWK_LIMITS.boxesPerFrame + 1, 3) } } });
  assert.equal(res.statusCode, 400);
  assert.match(res.json().message, /must NOT have more than 1000 items/);
});

test('a frame at the largest allowed size does not starve 50 concurrent readers of other frames', async () => {
  const frames: Record<string, unknown[]> = { 0: boxes(HAWK_LIMITS.boxesPerFrame, 0) };
  for (let f = 1; f < 60; f++) frames[f] = boxes(2, f);
  const saved = await hawk.app.inject({ method: 'PATCH', url: `/sets/${setId}/annotations`, headers: admin, payload: { baseVersion: (await setState()).version, frames } });
  assert.equal(saved.statusCode, 200, saved.body);
  const heavy = Array.from({ length: 10 }, () => hawk.app.inject({ method: 'GET', url: `/sets/${setId}/annotations?from=0&to=0`, headers: admin }));
  const others = Array.from({ length: 50 }, (_, i) => hawk.app.inject({ method: 'GET', url: `/sets/${setId}/annotations?from=${i + 1}&to=${i + 1}`, headers: admin }));
  const heavyRes = await Promise.all(heavy);
  const otherRes = await Promise.all(others);
  assert.deepEqual(otherRes.map((r) => r.statusCode), Array(50).fill(200));
  otherRes.forEach((r, i) => assert.deepEqual(r.json().frames[String(i + 1)].map((b: { id: string }) => b.id), [`f${i + 1}b0`, `f${i + 1}b1`]));
  assert.deepEqual(heavyRes.map((r) => r.statusCode), Array(10).fill(200));
  assert.equal(heavyRes[0]!.json().frames['0'].length, HAWK_LIMITS.boxesPerFrame);
});

test('a read holding more boxes than the cap asks for a narrower range; a narrower one answers', async () => {
  // Written in SQL so the test need not send 200,000 boxes: frames 100..300 of 1000 boxes each.
  await hawk.db.pool.query(
    `INSERT INTO hawk_frame_boxes (set_id, frame_index, boxes)
     SELECT $1, f, (SELECT jsonb_agg(jsonb_build_object('id', 'b' || i, 'label', 'person', 'xyxy', jsonb_build_array(0, 0, 5, 5), 'attributes', '{}'::jsonb)) FROM generate_series(1, 1000) i)
     FROM generate_series(100, 300) f`,
    [setId],
  );
  const all = await hawk.app.inject({ method: 'GET', url: `/sets/${setId}/annotations?from=0&to=400`, headers: admin });
  assert.equal(all.statusCode, 400);
  assert.match(all.json().message, /hold 2\d{5} boxes, more than one read answers \(200000\); ask for a narrower range with from and to/);
  const part = await hawk.app.inject({ method: 'GET', url: `/sets/${setId}/annotations?from=100&to=109`, headers: admin });
  assert.equal(part.statusCode, 200);
  assert.equal(Object.values(part.json().frames as Record<string, unknown[]>).reduce((n, b) => n + b.length, 0), 10_000);
});

test('uploads with no bytes for longer than the expiry are swept with their files; live ones stay', async () => {
  const announce = async (name: string) => (await hawk.app.inject({ method: 'POST', url: `/projects/${projectId}/videos`, headers: admin, payload: { fileName: name, sizeBytes: 4 * 1024 ** 3 - 1 } })).json().id as number;
  const chunk = (id: number) => hawk.app.inject({ method: 'PATCH', url: `/videos/${id}/content`, headers: { ...admin, 'content-type': 'application/octet-stream', 'upload-offset': '0' }, payload: Buffer.alloc(1000, 7) });
  const nothingSent = await announce('nothing-sent.mp4');
  const stalled = await announce('stalled.mp4');
  const fresh = await announce('fresh.mp4');
  const busy = await announce('busy.mp4');
  assert.equal((await chunk(stalled)).statusCode, 200);
  assert.equal((await chunk(busy)).statusCode, 200);
  // A day ago for all four; the busy one's last chunk is recent.
  await hawk.db.pool.query(`UPDATE hawk_videos SET created_at = now() - interval '25 hours' WHERE id = ANY($1)`, [[nothingSent, stalled, busy]]);
  const old = new Date(Date.now() - 25 * 3600_000);
  const dir = (id: number) => join(hawk.mediaDir, 'videos', String(id));
  utimesSync(join(dir(stalled), 'source'), old, old);

  const removed = await hawk.app.hawk.videos.sweepStaleUploads();
  assert.deepEqual(removed.sort(), [nothingSent, stalled].sort());
  const left = (await hawk.db.pool.query(`SELECT id FROM hawk_videos WHERE id = ANY($1) ORDER BY id`, [[nothingSent, stalled, fresh, busy]])).rows.map((r) => r.id);
  assert.deepEqual(left, [fresh, busy].sort((a, b) => a - b));
  assert.equal(existsSync(dir(stalled)), false);
  assert.equal(existsSync(dir(nothingSent)), false);
  assert.equal(existsSync(join(dir(busy), 'source')), true);
  assert.equal((await hawk.app.inject({ method: 'GET', url: `/videos/${stalled}`, headers: admin })).statusCode, 404);
  // The busy upload goes on where it was.
  const next = await hawk.app.inject({ method: 'PATCH', url: `/videos/${busy}/content`, headers: { ...admin, 'content-type': 'application/octet-stream', 'upload-offset': '1000' }, payload: Buffer.alloc(10, 7) });
  assert.equal(next.statusCode, 200, next.body);
  assert.equal(next.json().receivedBytes, 1010);
});
