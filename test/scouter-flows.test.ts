// Flows over HTTP: compiled against Scouter's real models (errors with line and column), stored,
// started (each source becomes a camera the worker runs: real ffmpeg, CenterNet, ByteTrack, rows in
// PostgreSQL), stopped and deleted.
import { injectAs, signIn } from '@sightline/auth/testing';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Camera, Flow, FlowRejected } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { buildScouter, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { until } from './support/until.ts';

let db: TestDatabase;
let scouter: ScouterApp;

before(async () => {
  db = await createTestDatabase();
  scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', mediaRoots: tmpdir(), heartbeatMs: 300, batchMs: 200, previewFps: 0 }), pool: db.pool });
  injectAs(scouter.app, await signIn(db.pool, 'admin'));
  await scouter.app.ready();
});

after(async () => {
  await scouter?.app.close();
  await db?.drop();
});

const http = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) => scouter.app.inject({ method, url, ...(payload ? { payload } : {}) });

test('a flow with errors is refused with every error, each with line and column', async () => {
  const text = [
    "CREATE SOURCE cam1 TYPE video WITH uri='file:///videos/lobby.mp4';",
    "CREATE STREAM people AS SELECT track(detect(frame, model='yolo')) FROM cam1 WHERE class='person';",
    "CREATE STREAM moods AS SELECT attributes(people, heads=['emotion']) FROM people;",
    'INSERT INTO postgres FROM moods;',
  ].join('\n');
  const res = await http('PUT', '/flows/broken', { source: text });
  assert.equal(res.statusCode, 400, res.body);
  const body = res.json<FlowRejected>();
  // Where each error points, found from the text itself.
  const at = (needle: string) => {
    const line = text.split('\n').findIndex((l) => l.includes(needle));
    return { line: line + 1, column: text.split('\n')[line]!.indexOf(needle) + 1 };
  };
  const model = body.errors.find((e) => e.code === 'unknown-model');
  const head = body.errors.find((e) => e.code === 'unknown-head');
  assert.ok(model && head, `both the model and the head are reported: ${JSON.stringify(body.errors)}`);
  assert.equal(model.line, at("'yolo'").line);
  assert.ok(model.column >= at('model=').column && model.column <= at("'yolo'").column, `model error at column ${model.column}`);
  assert.equal(head.line, at("'emotion'").line, 'emotion is refused: this Scouter has no emotion head');
  for (const e of body.errors) assert.ok(body.message.includes(`broken:${e.line}:${e.column}: error: ${e.message}`), `message lists ${e.line}:${e.column}`);
  assert.equal((await http('GET', '/flows/broken')).statusCode, 404, 'nothing was stored');

  const syntax = (await http('PUT', '/flows/typo', { source: 'CREATE SOURCE cam1 TYPE video WITH uri=;' })).json<FlowRejected>();
  assert.equal(syntax.errors[0]?.line, 1);
  assert.equal(syntax.errors[0]?.column, 'CREATE SOURCE cam1 TYPE video WITH uri='.length + 1);
});

test('a stored flow starts as cameras the worker runs, stops, and is deleted with its cameras', async () => {
  const clip = makePeopleClip(2);
  const text = [
    `CREATE SOURCE hall TYPE video WITH uri='${pathToFileURL(clip.path).href}', fps=10;`,
    "CREATE STREAM people AS SELECT track(detect(frame, model='centernet'), tracker='sort') FROM hall WHERE class='person';",
    'INSERT INTO postgres FROM people;',
  ].join('\n');
  const created = await http('PUT', '/flows/lobby', { source: text });
  assert.equal(created.statusCode, 201, created.body);
  const stored = created.json<Flow>();
  assert.equal(stored.state, 'stopped');
  assert.deepEqual(stored.pipelines.map((p) => [p.cameraName, p.cameraId]), [['hall', null]]);
  assert.equal((await http('PUT', '/flows/lobby', { source: text })).statusCode, 200, 'saving again replaces');
  assert.deepEqual((await http('GET', '/flows')).json<{ flows: Flow[] }>().flows.map((f) => f.name), ['lobby']);

  const started = (await http('POST', '/flows/lobby/start')).json<Flow>();
  assert.equal(started.state, 'running');
  const cameraId = started.pipelines[0]!.cameraId;
  assert.ok(cameraId, 'the source became a camera');
  const camera = (await http('GET', `/cameras/${cameraId}`)).json<Camera>();
  assert.equal(camera.name, 'hall');
  assert.equal(camera.flowId, stored.id);

  const ended = await until('the flow camera to play its clip', async () => {
    const c = (await http('GET', `/cameras/${cameraId}`)).json<Camera>();
    return c.state === 'ended' ? c : undefined;
  }, 90_000);
  assert.equal(ended.stats.framesDecoded, 20);
  const rows = await until('observations of the flow camera', async () => {
    const { rows } = await db.pool.query<{ n: number; trackers: number }>('SELECT count(*)::int AS n, count(DISTINCT track_id)::int AS trackers FROM observations WHERE camera_id = $1', [cameraId]);
    return rows[0]!.n > 0 ? rows[0]! : undefined;
  });
  assert.ok(rows.trackers >= 1);
  const { rows: specRows } = await db.pool.query<{ spec: { track?: { tracker: string } } }>('SELECT spec FROM camera_pipelines WHERE camera_id = $1', [cameraId]);
  assert.equal(specRows[0]!.spec.track?.tracker, 'sort', 'the camera runs the flow\'s plan, not the default one');

  // A source whose name a camera added over /cameras already has is refused.
  const other = (await http('POST', '/cameras', { name: 'taken', uri: clip.path, enabled: false })).json<Camera>();
  await http('PUT', '/flows/clash', { source: text.replace('SOURCE hall', 'SOURCE taken').replace('FROM hall', 'FROM taken') });
  const clash = await http('POST', '/flows/clash/start');
  assert.equal(clash.statusCode, 409, clash.body);
  assert.match(clash.json().message, /camera of that name already exists/);
  assert.equal((await http('GET', `/cameras/${other.id}`)).json<Camera>().flowId, null);

  // A source that is a file but not a video is refused when the flow starts, naming the source.
  const notes = join(dirname(clip.path), 'notes.mp4');
  writeFileSync(notes, 'a text file with a video name');
  await http('PUT', '/flows/notes', { source: text.replace(pathToFileURL(clip.path).href, pathToFileURL(notes).href).replace('SOURCE hall', 'SOURCE desk').replace('FROM hall', 'FROM desk') });
  const junk = await http('POST', '/flows/notes/start');
  assert.equal(junk.statusCode, 400, junk.body);
  assert.match(junk.json().message, /^source "desk": ".*notes\.mp4" is not a video Scouter can play: not a readable video/);
  assert.equal((await http('GET', '/cameras')).json<{ cameras: Camera[] }>().cameras.some((c) => c.name === 'desk'), false, 'no camera was made');

  const stopped = (await http('POST', '/flows/lobby/stop')).json<Flow>();
  assert.equal(stopped.state, 'stopped');
  assert.equal((await http('GET', `/cameras/${cameraId}`)).json<Camera>().enabled, false);

  assert.equal((await http('DELETE', '/flows/lobby')).statusCode, 204);
  assert.equal((await http('GET', '/flows/lobby')).statusCode, 404);
  assert.equal((await http('GET', `/cameras/${cameraId}`)).statusCode, 404, 'the flow\'s camera went with it');
});
