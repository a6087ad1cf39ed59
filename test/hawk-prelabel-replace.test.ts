// Pre-labeling the same range twice: with `replace` the second run takes the place of the first
// run's untouched boxes (no duplicates), keeps what a person drew or edited, and every step reaches
// a socket.io client as `hawk:prelabel` events; without `replace` the model only adds.
import { signIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import type { HawkAnnotations, HawkPrelabelEvent, HawkPrelabelJob, HawkServerEvents, HawkTrack, HawkXyxy } from '@sightline/contracts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { bearer, testSchema, type HawkFixture } from '../services/hawk/src/testing/hawk-fixture.ts';
import { expandFrames } from '../services/hawk/src/services/track-interpolation.ts';
import { startPrelabelServices, type PrelabelServices } from './support/prelabel-services.ts';

let services: PrelabelServices;
let hawk: HawkFixture;
let socket: Socket<HawkServerEvents>;
let videoId: number;
let last: number;
let alice: { id: number; headers: Record<string, string> };
const events: HawkPrelabelEvent[] = [];

before(async () => {
  services = await startPrelabelServices();
  hawk = services.hawk;
  socket = io(services.hawkUrl, { auth: { token: (await signIn(hawk.db.pool, 'admin')).token }, transports: ['websocket'] });
  socket.on('hawk:prelabel', (e) => events.push(e));
  await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
  const project = await hawk.app.inject({ method: 'POST', url: '/projects', headers: bearer(hawk.adminToken), payload: { name: 'people', labelSchema: testSchema } });
  // 10 fps: at 5 fps the pan moves a person about 60 px a frame at 480 px wide, and with the input shaped to
  // the source (512x384) the tracker linked one track of 23 boxes in 10 frames instead of several.
  const video = await hawk.upload(project.json().id, makePeopleClip(2, 10).path);
  assert.equal(video.status, 'ready', video.error ?? '');
  videoId = video.id;
  last = video.frameCount - 1;
  alice = await hawk.user('alice', 'annotator', [project.json().id]);
});
after(async () => {
  socket?.close();
  await services?.close();
});

async function prelabel(replace: boolean): Promise<HawkPrelabelJob> {
  const req = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/prelabel`, headers: alice.headers, payload: { frameFrom: 0, frameTo: last, replace } });
  assert.equal(req.statusCode, 202, req.body);
  const id = req.json().id as number;
  const end = Date.now() + 60_000;
  for (;;) {
    const job = (await hawk.app.inject({ method: 'GET', url: `/prelabel/${id}`, headers: alice.headers })).json() as HawkPrelabelJob;
    if (job.status === 'applied' || job.status === 'failed') {
      assert.equal(job.status, 'applied', job.error ?? '');
      return job;
    }
    if (Date.now() > end) throw new Error(`job ${id} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function read(): Promise<{ a: HawkAnnotations; ids: Map<string, number> }> {
  const sets = (await hawk.app.inject({ method: 'GET', url: `/videos/${videoId}/sets`, headers: alice.headers })).json() as { id: number; kind: string }[];
  const a = (await hawk.app.inject({ method: 'GET', url: `/sets/${sets.find((s) => s.kind === 'main')!.id}/annotations`, headers: alice.headers })).json() as HawkAnnotations;
  // Boxes shown per frame, counted by the run that made them (model-<job>-...) or "human".
  const ids = new Map<string, number>();
  for (const boxes of expandFrames(a.frames, a.tracks, 0, last).values()) {
    for (const b of boxes) {
      const owner = /^model-(\d+)-/.exec(b.id)?.[1] ?? 'human';
      ids.set(owner, (ids.get(owner) ?? 0) + 1);
    }
  }
  return { a, ids };
}

test('replace: a second run does not duplicate the first; human and edited boxes stay; events reach the socket', { timeout: 120_000 }, async () => {
  const setId = (await read()).a.set.id;
  const drawn = await hawk.app.inject({ method: 'PATCH', url: `/sets/${setId}/annotations`, headers: alice.headers, payload: { baseVersion: 0, frames: { '0': [{ id: 'alice-1', label: 'car', xyxy: [1, 1, 30, 20], attributes: {} }] } } });
  assert.equal(drawn.statusCode, 200, drawn.body);

  const first = await prelabel(true);
  assert.equal(first.replaced, 0, 'nothing to replace the first time');
  const afterFirst = await read();
  const firstShown = afterFirst.ids.get(String(first.id)) ?? 0;
  assert.ok(firstShown >= last + 1, `the clip shows people on every frame (${firstShown} boxes on ${last + 1} frames)`);
  assert.ok(afterFirst.a.tracks.length >= 2, `several model tracks (${afterFirst.a.tracks.length}; ${firstShown} boxes on ${last + 1} frames)`);

  // Alice corrects one model track: it is hers now and must survive a replacing run.
  const edited = afterFirst.a.tracks[0]!;
  const kf = edited.keyframes.find((k) => !k.outside)!;
  const moved: HawkTrack = { ...edited, keyframes: edited.keyframes.map((k) => (k === kf ? { ...k, xyxy: [kf.xyxy[0] + 3, kf.xyxy[1], kf.xyxy[2] + 3, kf.xyxy[3]] as HawkXyxy } : k)) };
  const fix = await hawk.app.inject({ method: 'PATCH', url: `/sets/${setId}/annotations`, headers: alice.headers, payload: { baseVersion: first.appliedVersion, tracks: [moved] } });
  assert.equal(fix.statusCode, 200, fix.body);
  const editedShown = expandFrames({}, [moved], 0, last).size;

  const before = events.length;
  const second = await prelabel(true);
  const afterSecond = await read();
  const secondShown = afterSecond.ids.get(String(second.id)) ?? 0;
  const firstItems = afterFirst.a.tracks.length + Object.values(afterFirst.a.frames).flat().filter((b) => b.id.startsWith('model-')).length;
  assert.equal(second.replaced, firstItems - 1, 'every item of the first run but the edited track was replaced');
  assert.equal(afterSecond.ids.get(String(first.id)) ?? 0, editedShown, 'only the edited track of the first run is left');
  assert.ok(afterSecond.a.tracks.some((t) => t.id === edited.id));
  assert.equal(afterSecond.ids.get('human'), 1, "alice's own box is kept");
  assert.equal(secondShown, firstShown, 'same detector, same frames: the same number of boxes, not twice as many');

  // Without replace the model only adds: a third run doubles the model boxes.
  const third = await prelabel(false);
  const afterThird = await read();
  assert.equal(third.replaced, null);
  assert.equal(afterThird.ids.get(String(second.id)), secondShown);
  assert.equal(afterThird.ids.get(String(third.id)), secondShown);

  // The second job as seen on the socket: progress while it ran, then done with the written version.
  const mine = events.slice(before).filter((e) => e.job.id === second.id);
  assert.ok(mine.some((e) => e.phase === 'progress'), `progress events: ${mine.map((e) => e.job.status).join(', ')}`);
  const done = mine.find((e) => e.phase === 'done');
  assert.ok(done, 'a done event');
  assert.equal(done.job.appliedVersion, second.appliedVersion);
  assert.equal(done.job.replaced, second.replaced);
  assert.ok(mine.indexOf(done) === mine.length - 1, 'done comes last');
});

test('a failed job reaches the socket as failed with its error', { timeout: 60_000 }, async () => {
  const req = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/prelabel`, headers: alice.headers, payload: { frameFrom: 0, frameTo: 1, classes: [{ detector: 'unicorn', label: 'person' }] } });
  assert.equal(req.statusCode, 202, req.body);
  const id = req.json().id as number;
  const end = Date.now() + 30_000;
  while (!events.some((e) => e.job.id === id && e.phase === 'failed') && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  const failed = events.find((e) => e.job.id === id && e.phase === 'failed');
  assert.ok(failed, `events for job ${id}: ${events.filter((e) => e.job.id === id).map((e) => e.phase).join(', ')}`);
  assert.match(failed.job.error ?? '', /"unicorn" is not one of centernet's COCO classes/);
});
