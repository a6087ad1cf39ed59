// Annotation sets end to end through the HTTP API on a real database: versioned saves, history,
// tracks, schema changes that must not orphan labels, two replicas merged by consensus, review,
// and exports (COCO, MOT, YOLO, Hawk JSON) that re-import to the same boxes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import type { HawkBox, HawkTrack } from '@sightline/contracts';
import { bearer, makeTestVideo, startHawk, testSchema, type HawkFixture } from './testing/hawk-fixture.ts';
import { expandFrames } from './services/track-interpolation.ts';
import { readZip } from './testing/zip-reader.ts';

let hawk: HawkFixture;
let projectId: number;
let videoId: number;
let frameCount: number;
let alice: { id: number; headers: Record<string, string> };
let bob: { id: number; headers: Record<string, string> };
let rita: { id: number; headers: Record<string, string> };

before(async () => {
  hawk = await startHawk();
  const project = await hawk.app.inject({ method: 'POST', url: '/projects', headers: bearer(hawk.adminToken), payload: { name: 'consensus', labelSchema: testSchema } });
  projectId = project.json().id;
  const video = await hawk.upload(projectId, makeTestVideo(join(hawk.mediaDir, 'clip.mp4'), { seconds: 1, fps: 10 }));
  videoId = video.id;
  frameCount = video.frameCount;
  alice = await hawk.user('alice', 'annotator', [projectId]);
  bob = await hawk.user('bob', 'annotator', [projectId]);
  rita = await hawk.user('rita', 'reviewer');
});
after(() => hawk.close());

const box = (id: string, xyxy: [number, number, number, number], label = 'person', attributes: HawkBox['attributes'] = {}): HawkBox => ({ id, label, xyxy, attributes });

async function inject(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) {
  return hawk.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

test('saves are versioned: a stale base version is a 409 and writes nothing; history keeps every patch', async () => {
  const sets = (await inject('GET', `/videos/${videoId}/sets`, alice.headers)).json();
  const main = sets.find((s: { kind: string }) => s.kind === 'main');
  const first = await inject('PATCH', `/sets/${main.id}/annotations`, alice.headers, { baseVersion: 0, frames: { '0': [box('a', [10, 10, 50, 80])] } });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().version, 1);
  const stale = await inject('PATCH', `/sets/${main.id}/annotations`, bob.headers, { baseVersion: 0, frames: { '0': [] } });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.json().message, /now version 1/);
  const read = (await inject('GET', `/sets/${main.id}/annotations?from=0&to=3`, bob.headers)).json();
  assert.deepEqual(read.frames['0'], [box('a', [10, 10, 50, 80])], 'the stale save changed nothing');
  const second = await inject('PATCH', `/sets/${main.id}/annotations`, bob.headers, { baseVersion: 1, frames: { '1': [box('b', [12, 10, 52, 80], 'car')] } });
  assert.equal(second.json().version, 2);
  const history = (await inject('GET', `/sets/${main.id}/history`, alice.headers)).json();
  assert.deepEqual(history.map((h: { version: number; username: string }) => [h.version, h.username]), [[2, 'bob'], [1, 'alice']]);
});

test('bad labels, attributes and boxes are 400s that name them; nothing is saved', async () => {
  const main = (await inject('GET', `/videos/${videoId}/sets`, alice.headers)).json().find((s: { kind: string }) => s.kind === 'main');
  const cases = [
    { frames: { '2': [box('x', [0, 0, 5, 5], 'dog')] }, message: /label "dog" is not a class/ },
    { frames: { '2': [box('x', [0, 0, 5, 5], 'person', { clothing: 'cape' })] }, message: /clothing.*cannot be "cape"/ },
    { frames: { '2': [box('x', [9, 0, 5, 5])] }, message: /x2 > x1/ },
    { frames: { [String(frameCount)]: [box('x', [0, 0, 5, 5])] }, message: /past the video's last frame/ },
  ];
  for (const c of cases) {
    const res = await inject('PATCH', `/sets/${main.id}/annotations`, alice.headers, { baseVersion: main.version, frames: c.frames });
    assert.equal(res.statusCode, 400, JSON.stringify(c.frames));
    assert.match(res.json().message, c.message);
  }
  assert.equal((await inject('GET', `/sets/${main.id}/history`, alice.headers)).json()[0].version, main.version);
});

test('a schema change that drops a used class is refused; a rename moves its boxes', async () => {
  const project = (await inject('GET', `/projects/${projectId}`, bob.headers)).json();
  const withoutCar = { classes: [testSchema.classes[0]!, { name: 'vehicle', attributes: [] }] };
  const refused = await inject('PUT', `/projects/${projectId}/schema`, bearer(hawk.adminToken), { labelSchema: withoutCar, schemaVersion: project.schemaVersion });
  assert.equal(refused.statusCode, 409);
  assert.match(refused.json().message, /"car" \(1 boxes\/tracks\)/);
  const renamed = await inject('PUT', `/projects/${projectId}/schema`, bearer(hawk.adminToken), { labelSchema: withoutCar, schemaVersion: project.schemaVersion, renames: { car: 'vehicle' } });
  assert.equal(renamed.statusCode, 200, renamed.body);
  const main = (await inject('GET', `/videos/${videoId}/sets`, alice.headers)).json().find((s: { kind: string }) => s.kind === 'main');
  const read = (await inject('GET', `/sets/${main.id}/annotations?from=1&to=1`, alice.headers)).json();
  assert.equal(read.frames['1'][0].label, 'vehicle');
  const back = await inject('PUT', `/projects/${projectId}/schema`, bearer(hawk.adminToken), { labelSchema: testSchema, schemaVersion: project.schemaVersion + 1, renames: { vehicle: 'car' } });
  assert.equal(back.statusCode, 200, back.body);
});

test('two annotators, consensus merge, review, exports that re-import to the same boxes', async () => {
  const created = await inject('POST', `/videos/${videoId}/assignments`, rita.headers, { frameFrom: 0, frameTo: 5, annotatorIds: [alice.id, bob.id] });
  assert.equal(created.statusCode, 201, created.body);
  const replicas = created.json().replicas as { id: number; annotatorId: number }[];
  const aliceSet = replicas.find((r) => r.annotatorId === alice.id)!.id;
  const bobSet = replicas.find((r) => r.annotatorId === bob.id)!.id;

  // Alice draws a person track (keyframes at 0 and 4, outside from 5) and a car on frame 2.
  const aliceTrack: HawkTrack = { id: 'p1', label: 'person', attributes: { clothing: 'coat' }, keyframes: [{ frame: 0, xyxy: [100, 50, 140, 150], outside: false }, { frame: 4, xyxy: [140, 50, 180, 150], outside: false }, { frame: 5, xyxy: [140, 50, 180, 150], outside: true }] };
  const a = await inject('PATCH', `/sets/${aliceSet}/annotations`, alice.headers, { baseVersion: 0, tracks: [aliceTrack], frames: { '2': [box('c1', [10, 10, 60, 40], 'car')] } });
  assert.equal(a.statusCode, 200, a.body);
  // Bob draws the same person a little offset on frames 0..4, votes "shirt", and a stray box on frame 3.
  const bobFrames: Record<string, HawkBox[]> = {};
  for (let f = 0; f <= 4; f++) bobFrames[String(f)] = [box(`b${f}`, [104 + 10 * f, 52, 144 + 10 * f, 152], 'person', { clothing: 'shirt' })];
  bobFrames['3']!.push(box('stray', [250, 200, 300, 230], 'car'));
  const b = await inject('PATCH', `/sets/${bobSet}/annotations`, bob.headers, { baseVersion: 0, frames: bobFrames });
  assert.equal(b.statusCode, 200, b.body);
  // Bob may not write Alice's replica.
  assert.equal((await inject('PATCH', `/sets/${aliceSet}/annotations`, bob.headers, { baseVersion: 1, frames: {} })).statusCode, 403);
  // Annotators cannot merge.
  assert.equal((await inject('POST', `/assignments/${created.json().id}/merge`, alice.headers, {})).statusCode, 403);

  const merged = await inject('POST', `/assignments/${created.json().id}/merge`, rita.headers, { minIou: 0.5, quorum: 1 });
  assert.equal(merged.statusCode, 201, merged.body);
  const result = merged.json();
  assert.equal(result.kept, 5, 'the person on frames 0..4; the lone car boxes miss the quorum of both replicas');
  const mergedRead = (await inject('GET', `/sets/${result.resultSetId}/annotations`, rita.headers)).json();
  const mergedFrames = expandFrames(mergedRead.frames, mergedRead.tracks, 0, frameCount - 1);
  // Expected from the inputs: the mean of Alice's interpolated box and Bob's box on each frame.
  for (let f = 0; f <= 4; f++) {
    const aliceBox = [100 + 10 * f, 50, 140 + 10 * f, 150];
    const bobBox = [104 + 10 * f, 52, 144 + 10 * f, 152];
    const got = mergedFrames.get(f)!;
    assert.equal(got.length, 1, `frame ${f}`);
    got[0]!.xyxy.forEach((v, k) => assert.ok(Math.abs(v - (aliceBox[k]! + bobBox[k]!) / 2) < 1e-6, `frame ${f} coord ${k}`));
    assert.equal(got[0]!.label, 'person');
  }
  assert.equal(mergedFrames.get(5), undefined);
  const scores = Object.fromEntries(result.agreement.map((x: { username: string; score: number }) => [x.username, x.score]));
  // Alice drew 6 boxes (5 track frames + car), Bob 6 (5 + stray); 5 kept, each matched 5: 5 / (6 + 5 - 5).
  assert.deepEqual(scores, { alice: Math.round((5 / 6) * 1000) / 1000, bob: Math.round((5 / 6) * 1000) / 1000 });
  // Replicas are untouched by the merge.
  assert.equal((await inject('GET', `/sets/${aliceSet}/annotations`, alice.headers)).json().set.version, 1);

  // Nothing approved yet: exports refuse.
  assert.equal((await inject('GET', `/videos/${videoId}/export?format=coco`, rita.headers)).statusCode, 409);
  const rejected = await inject('POST', `/sets/${result.resultSetId}/reviews`, rita.headers, { frameFrom: 0, frameTo: 5, decision: 'rejected', comment: '' });
  assert.equal(rejected.statusCode, 400, 'a rejection needs a comment');
  const approve = await inject('POST', `/sets/${result.resultSetId}/reviews`, rita.headers, { frameFrom: 0, frameTo: 5, decision: 'approved', comment: 'ok' });
  assert.equal(approve.statusCode, 201, approve.body);
  const videoInfo = (await inject('GET', `/videos/${videoId}`, rita.headers)).json();
  assert.equal(videoInfo.approvedShare, 6 / frameCount);

  const expected = [...mergedFrames].filter(([f]) => f <= 5).flatMap(([f, boxes]) => boxes.map((x) => ({ f, label: x.label, xyxy: x.xyxy })));
  const coco = await inject('GET', `/videos/${videoId}/export?format=coco`, rita.headers);
  assert.equal(coco.json().images.length, 6, 'one image per approved frame');
  assert.equal(coco.json().annotations.length, expected.length);
  const mot = await inject('GET', `/videos/${videoId}/export?format=mot`, rita.headers);
  assert.equal(mot.body.trim().split('\n').length, expected.length);
  const yolo = await inject('GET', `/videos/${videoId}/export?format=yolo`, rita.headers);
  assert.equal(yolo.headers['content-type'], 'application/zip');
  const yoloFiles = readZip(yolo.rawPayload);
  assert.deepEqual([...yoloFiles.keys()].filter((n) => n.startsWith('labels/')), [0, 1, 2, 3, 4, 5].map((f) => `labels/${String(f + 1).padStart(6, '0')}.txt`));
  assert.equal(yoloFiles.get('classes.txt')!.toString(), 'person\ncar\n');
  assert.match(yoloFiles.get('data.yaml')!.toString(), /^nc: 2$/m);
  assert.match(yoloFiles.get('data.yaml')!.toString(), /^names: \["person", "car"\]$/m);
  // YOLO rows are class cx cy w h normalised by the frame size: they give back the exported boxes.
  const yoloBoxes = [...yoloFiles].filter(([n]) => n.startsWith('labels/')).flatMap(([n, text]) =>
    text.toString().trim().split('\n').filter(Boolean).map((line) => {
      const [c, cx, cy, w, h] = line.split(' ').map(Number) as [number, number, number, number, number];
      const [W, H] = [videoInfo.width, videoInfo.height];
      return { f: Number(n.slice(7, 13)) - 1, label: testSchema.classes[c]!.name, xyxy: [(cx - w / 2) * W, (cy - h / 2) * H, (cx + w / 2) * W, (cy + h / 2) * H] };
    }),
  );
  assert.equal(yoloBoxes.length, expected.length);
  for (const e of expected) assert.ok(yoloBoxes.some((y) => y.f === e.f && y.label === e.label && y.xyxy.every((v, k) => Math.abs(v - e.xyxy[k]!) < 0.05)), `YOLO has frame ${e.f} ${e.label} ${e.xyxy}`);
  const hawkDoc = (await inject('GET', `/videos/${videoId}/export?format=hawk`, rita.headers)).json();
  assert.equal(hawkDoc.frames.length, 6);

  // Each re-import goes to a fresh, empty set: a replica of the approved frames 1-6 (indices 0-5).
  await hawk.addMembers(projectId, [rita.id]);
  for (const [format, body, type] of [['coco', coco.body, 'application/json'], ['mot', mot.body, 'text/plain'], ['hawk', JSON.stringify(hawkDoc), 'application/json']] as const) {
    const target = await inject('POST', `/videos/${videoId}/assignments`, rita.headers, { frameFrom: 0, frameTo: 5, annotatorIds: [rita.id] });
    const setId = target.json().replicas[0].id;
    const imported = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/import?format=${format}&setId=${setId}`, headers: { ...rita.headers, 'content-type': type }, payload: body });
    assert.equal(imported.statusCode, 201, imported.body);
    const back = (await inject('GET', `/sets/${setId}/annotations`, rita.headers)).json();
    const again = [...expandFrames(back.frames, back.tracks, 0, frameCount - 1)].flatMap(([f, boxes]) => boxes.map((x) => ({ f, label: x.label, xyxy: x.xyxy })));
    const key = (x: { f: number; xyxy: number[] }) => `${x.f}:${x.xyxy[0]!.toFixed(1)}`;
    assert.equal(again.length, expected.length, `${format}: same number of boxes`);
    const sorted = (xs: typeof expected) => [...xs].sort((p, q) => key(p).localeCompare(key(q)));
    sorted(again).forEach((x, i) => {
      const e = sorted(expected)[i]!;
      assert.equal(x.f, e.f);
      assert.equal(x.label, e.label);
      x.xyxy.forEach((v, k) => assert.ok(Math.abs(v - e.xyxy[k]!) < 0.01, `${format} frame ${x.f} coord ${k}: ${v} vs ${e.xyxy[k]}`));
    });
  }

  const badMot = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/import?format=mot`, headers: { ...rita.headers, 'content-type': 'text/plain' }, payload: '1,2,3\n' });
  assert.equal(badMot.statusCode, 400);
  assert.match(badMot.json().message, /upload:1: expected 6 to 10/);
});

test('checkbox and number attributes keep their JSON types through a save', async () => {
  const set = (await inject('POST', `/videos/${videoId}/assignments`, rita.headers, { frameFrom: 0, frameTo: 0, annotatorIds: [alice.id] })).json().replicas[0].id;
  const cases: HawkBox['attributes'][] = [{ clothing: 'coat', occluded: false }, { clothing: 'dress', occluded: true }];
  let version = 0;
  for (const attributes of cases) {
    const res = await inject('PATCH', `/sets/${set}/annotations`, alice.headers, { baseVersion: version, frames: { '0': [box('c', [1, 1, 20, 20], 'person', attributes)] } });
    assert.equal(res.statusCode, 200, res.body);
    version = res.json().version;
    assert.deepEqual((await inject('GET', `/sets/${set}/annotations?from=0&to=0`, alice.headers)).json().frames['0'][0].attributes, attributes);
  }
});
