// Face attributes in the live pipeline: a camera added over HTTP with attributes ['age', 'gender']
// on a real clip (a slow pan over the thumbnail of a man at a table in samples.jpg, made by ffmpeg)
// gets smoothed age and gender per track in scouter:tracks, tracks.attributes and
// observations.attributes; a flow asking attributes(people, heads=['age','gender']) gets them too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { AttributeValue, Camera, Flow, ScouterClientEvents, ScouterServerEvents, TracksEvent } from '@sightline/contracts';
import type { TestDatabase } from '@sightline/db';
import type { ScouterApp } from '../services/scouter/src/app.ts';
import { samplesJpg } from '../services/scouter/test-support/clip-fixture.ts';
import { startScouter, viewerSocket, type ScouterFixture } from './support/scouter-app.ts';
import { until } from './support/until.ts';
import { ffmpegPath } from '@sightline/media';

let db: TestDatabase;
let scouter: ScouterApp;
let socket: Socket<ScouterServerEvents, ScouterClientEvents>;
let fixture: ScouterFixture;
const events: TracksEvent[] = [];
const clip = join(mkdtempSync(join(tmpdir(), 'scouter-faces-')), 'man.mp4');

before(async () => {
  // 240x160 window sliding 1 px a frame across the man's thumbnail (top row of samples.jpg), 3 s at 10 fps,
  // shown at twice the size: at 1x his face is so small that the gender vote hovered near 0.5 (confidence
  // 0.075 on a quiet machine) and frames dropped under load could tip it; at 2x it is 0.185.
  const made = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-loop', '1', '-framerate', '10', '-i', samplesJpg, '-vf', "crop=240:160:'310+n':0,scale=480:320", '-frames:v', '30', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  fixture = await startScouter({ mediaRoots: tmpdir(), heartbeatMs: 300, batchMs: 200, previewFps: 0 }, { injectAs: 'admin', listen: true });
  ({ db, scouter } = fixture);
  socket = await viewerSocket(fixture);
  socket.on('scouter:tracks', (e) => events.push(e));
});

after(async () => {
  socket?.close();
  await fixture?.close();
});

const ended = (id: number) =>
  until(`camera ${id} to end`, async () => {
    const c = (await scouter.app.inject({ method: 'GET', url: `/cameras/${id}` })).json<Camera>();
    return c.state === 'ended' || c.state === 'failed' ? c : undefined;
  });

function checkAdult(attrs: Record<string, AttributeValue>, where: string): void {
  // The vote on this small face is a narrow one (confidence 0.19 with every frame processed); when a
  // loaded machine drops frames it can fall near 0.5, where its side says nothing: the value is then
  // only checked to be a gender. The face network's own accuracy is tested on clear faces in
  // packages/models (face-attributes.test.ts).
  const gender = attrs['gender'];
  if ((gender?.confidence ?? 0) >= 0.1) assert.equal(gender?.value, 'male', `${where}: gender ${JSON.stringify(gender)}`);
  else assert.ok(gender?.value === 'male' || gender?.value === 'female', `${where}: gender ${JSON.stringify(gender)}`);
  const age = attrs['age']?.value;
  assert.ok(typeof age === 'number' && age > 18 && age < 60, `${where}: age ${age}`);
  assert.ok(attrs['age']!.confidence > 0 && attrs['age']!.confidence <= 1 && attrs['gender']!.confidence > 0 && attrs['gender']!.confidence <= 1, `${where}: confidences in (0, 1]`);
}

test('a camera asking for age and gender gets them smoothed per track, live and stored', async (t) => {
  const bad = await scouter.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'moods', uri: clip, attributes: ['emotion'] } });
  assert.equal(bad.statusCode, 400, 'an unknown head is refused');

  const res = await scouter.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'table', uri: clip, fps: 10, attributes: ['age', 'gender'] } });
  assert.equal(res.statusCode, 201, res.body);
  const camera = res.json<Camera>();
  assert.deepEqual(camera.attributes, ['age', 'gender']);
  const done = await ended(camera.id);
  assert.equal(done.state, 'ended', done.stateMessage ?? '');

  const withAttrs = events.filter((e) => e.cameraId === camera.id).flatMap((e) => e.boxes.filter((b) => Object.keys(b.attributes).length > 0));
  assert.ok(withAttrs.length >= 5, `boxes with attributes in scouter:tracks: ${withAttrs.length}`);
  // The man is the track seen longest; the sliding window also catches the edge of the next photo.
  const boxesPerTrack = new Map<number, number>();
  for (const b of withAttrs) boxesPerTrack.set(b.trackerId, (boxesPerTrack.get(b.trackerId) ?? 0) + 1);
  const man = [...boxesPerTrack].sort((a, b) => b[1] - a[1])[0]![0];
  const last = withAttrs.filter((b) => b.trackerId === man).at(-1)!;
  t.diagnostic(`longest track: ${boxesPerTrack.get(man)} boxes with attributes; last ${JSON.stringify(last.attributes)}`);
  checkAdult(last.attributes, 'last live box of the longest track');

  await until('observations with attributes', async () => {
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM observations WHERE camera_id = $1 AND attributes ? 'age'", [camera.id]);
    return rows[0]!.n >= withAttrs.length ? true : undefined;
  });
  const { rows: trackRows } = await db.pool.query<{ tracker_id: number; attributes: Record<string, AttributeValue> }>(
    "SELECT tracker_id, attributes FROM tracks WHERE camera_id = $1 AND attributes ? 'gender' ORDER BY tracker_id",
    [camera.id],
  );
  const stored = trackRows.find((r) => r.tracker_id === last.trackerId);
  assert.ok(stored, `track ${last.trackerId} stored with attributes`);
  checkAdult(stored.attributes, 'tracks.attributes');
  assert.deepEqual(stored.attributes, last.attributes, 'the track keeps its latest smoothed values');
});

test('a flow with attributes(people, heads=[...]) runs the heads', async () => {
  const text = [
    `CREATE SOURCE desk TYPE video WITH uri='${pathToFileURL(clip).href}', fps=10;`,
    "CREATE STREAM people AS SELECT track(detect(frame)) FROM desk WHERE class='person';",
    "CREATE STREAM people_attrs AS SELECT attributes(people, heads=['age','gender']) FROM people;",
    'INSERT INTO postgres FROM people_attrs;',
  ].join('\n');
  assert.equal((await scouter.app.inject({ method: 'PUT', url: '/flows/faces', payload: { source: text } })).statusCode, 201);
  const flow = (await scouter.app.inject({ method: 'POST', url: '/flows/faces/start' })).json<Flow>();
  assert.deepEqual(flow.pipelines[0]!.heads, ['age', 'gender']);
  const id = flow.pipelines[0]!.cameraId!;
  assert.equal((await ended(id)).state, 'ended');
  // Longest-lived track first: the man, not the edge of the next photo entering the window.
  const { rows } = await db.pool.query<{ attributes: Record<string, AttributeValue> }>(
    "SELECT attributes FROM tracks WHERE camera_id = $1 AND attributes ? 'age' ORDER BY last_seen - first_seen DESC",
    [id],
  );
  assert.ok(rows.length >= 1, 'a track of the flow camera has attributes');
  checkAdult(rows[0]!.attributes, 'flow track');
});
