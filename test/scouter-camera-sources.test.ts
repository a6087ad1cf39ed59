// Camera sources an outsider would probe: files outside the media roots, traversal, links out,
// loopback / metadata / private URLs. Each is refused with a 400 that names no fact about the
// world outside the roots (a missing file and an existing one answer alike), and nothing is stored.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { injectAs, signIn } from '@sightline/auth/testing';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { buildScouter, type ScouterApp } from '../services/scouter/src/app.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makeTestVideo } from '../services/hawk/src/testing/hawk-fixture.ts';

let db: TestDatabase;
let scouter: ScouterApp;
const base = mkdtempSync(join(tmpdir(), 'scouter-sources-'));
const root = join(base, 'media');
const outside = join(base, 'private');
mkdirSync(root);
mkdirSync(outside);
makeTestVideo(join(root, 'inside.mp4'), { seconds: 1, width: 64, height: 48 });
writeFileSync(join(outside, 'secret.mp4'), 'a file outside the root');
// Hawk's uploads live in the data folder too, but not under the media root.
mkdirSync(join(base, 'hawk', 'videos', '1'), { recursive: true });
writeFileSync(join(base, 'hawk', 'videos', '1', 'source'), 'a private Hawk upload');
symlinkSync(join(outside, 'secret.mp4'), join(root, 'link-out.mp4'));
symlinkSync(join(outside, 'missing.mp4'), join(root, 'dangling.mp4'));
symlinkSync(outside, join(root, 'folder-link'));

before(async () => {
  db = await createTestDatabase();
  scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', worker: false, mediaRoots: root, allowNetworks: '192.168.7.0/24,cams.example' }), pool: db.pool });
  injectAs(scouter.app, await signIn(db.pool, 'operator'));
});
after(async () => {
  await scouter.app.close();
  await db.drop();
});

const add = (name: string, uri: string) => scouter.app.inject({ method: 'POST', url: '/cameras', payload: { name, uri } });

// Pairs of an existing and a missing target: the answers must be the same apart from the input.
const files = [
  { name: '/etc/passwd', uri: '/etc/passwd', twin: '/etc/no-such-file' },
  { name: '/proc/self/environ', uri: '/proc/self/environ', twin: '/proc/self/no-such' },
  { name: 'relative traversal', uri: '../../../../etc/hostname', twin: '../../../../etc/no-such-host' },
  { name: 'traversal from inside the root', uri: join(root, '..', 'private', 'secret.mp4'), twin: join(root, '..', 'private', 'missing.mp4') },
  { name: "a Hawk upload's source", uri: join(base, 'hawk', 'videos', '1', 'source'), twin: join(base, 'hawk', 'videos', '2', 'source') },
  { name: 'a link out of the root', uri: join(root, 'link-out.mp4'), twin: join(root, 'dangling.mp4') },
  { name: 'a file through a linked folder', uri: join(root, 'folder-link', 'secret.mp4'), twin: join(root, 'folder-link', 'missing.mp4') },
  { name: 'a file URL outside the root', uri: `file://${join(outside, 'secret.mp4')}`, twin: `file://${join(outside, 'missing.mp4')}` },
];
for (const [i, c] of files.entries()) {
  test(`refuses ${c.name}, saying nothing about whether it exists`, async () => {
    const res = await add(`f${i}`, c.uri);
    const twin = await add(`t${i}`, c.twin);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(twin.statusCode, 400, twin.body);
    const message = res.json().message as string;
    assert.match(message, /no video file .* in the media folders/);
    assert.equal(message.replace(c.uri, 'X'), (twin.json().message as string).replace(c.twin, 'X'), 'an existing and a missing target answer alike');
    assert.doesNotMatch(message, /folder,|special file|not found:/);
  });
}

test('a file inside the root is accepted, as its real path', async () => {
  const res = await add('inside', join(root, 'inside.mp4'));
  assert.equal(res.statusCode, 201, res.body);
  assert.match(res.json().uri, /^file:\/\/.*\/media\/inside\.mp4$/);
});

const urls = [
  { name: 'loopback', uri: 'http://127.0.0.1:5432/' },
  { name: 'loopback by name', uri: 'http://localhost:3001/videos/1/frames/0' },
  { name: 'IPv6 loopback', uri: 'http://[::1]:3002/metrics' },
  { name: 'IPv4-mapped loopback', uri: 'http://[::ffff:127.0.0.1]/' },
  { name: 'cloud metadata', uri: 'http://169.254.169.254/latest/meta-data/' },
  { name: 'private 10/8', uri: 'rtsp://10.0.0.5/stream' },
  { name: 'private 172.16/12', uri: 'rtsps://172.20.1.1/stream' },
  { name: 'a private address outside the allowed LAN', uri: 'rtsp://192.168.8.20/stream' },
  { name: 'unspecified', uri: 'http://0.0.0.0:3000/' },
];
for (const [i, c] of urls.entries()) {
  test(`refuses a camera URL to ${c.name}`, async () => {
    const res = await add(`u${i}`, c.uri);
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().message, /loopback, link-local or private address.*SCOUTER_ALLOW_NETWORKS/);
  });
}

test('other schemes are refused; allowed LAN ranges, allowed hosts and public addresses are accepted', async () => {
  for (const uri of ['ftp://203.0.113.9/a.mp4', 'gopher://203.0.113.9/', 'concat:/etc/passwd']) {
    const res = await add(`s-${uri.length}`, uri);
    assert.equal(res.statusCode, 400, uri);
    assert.match(res.json().message, /not supported/);
  }
  for (const [i, uri] of ['rtsp://192.168.7.20:554/stream1', 'rtsp://cams.example/door', 'https://203.0.113.9/live.m3u8'].entries()) {
    const res = await add(`ok${i}`, uri);
    assert.equal(res.statusCode, 201, `${uri}: ${res.body}`);
  }
  const { rows } = await db.pool.query<{ uri: string }>('SELECT uri FROM cameras ORDER BY id');
  assert.deepEqual(
    rows.map((r) => r.uri.replace(/^file:.*\//, 'file:')),
    ['file:inside.mp4', 'rtsp://192.168.7.20:554/stream1', 'rtsp://cams.example/door', 'https://203.0.113.9/live.m3u8'],
    'only the accepted sources are stored',
  );
});

test('flows are held to the same rules when they start', async () => {
  const source = [
    "CREATE SOURCE cam TYPE http WITH uri='http://169.254.169.254/latest', fps=5;",
    "CREATE STREAM people AS SELECT track(detect(frame, model='centernet')) FROM cam WHERE class='person';",
    'INSERT INTO postgres FROM people;',
  ].join('\n');
  assert.equal((await scouter.app.inject({ method: 'PUT', url: '/flows/probe', payload: { source } })).statusCode, 201, 'a stored flow opens nothing');
  const res = await scouter.app.inject({ method: 'POST', url: '/flows/probe/start' });
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.json().message, /private address/);
});

let closed: Server | undefined;
test('a stream that fails shows users one sentence, never what answered at the address', async () => {
  // A port that accepts and closes at once: ffmpeg would report the protocol error in its words.
  closed = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => closed!.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  const worker = await buildScouter({
    config: loadScouterConfig({}, { logLevel: 'silent', worker: true, previewFps: 0, heartbeatMs: 300, reconnectMaxMs: 500, mediaRoots: root, allowNetworks: '127.0.0.1' }),
    pool: db.pool,
  });
  injectAs(worker.app, await signIn(db.pool, 'operator'));
  await worker.app.ready();
  try {
    const created = await worker.app.inject({ method: 'POST', url: '/cameras', payload: { name: 'probe', uri: `http://127.0.0.1:${port}/x` } });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id as number;
    let message: string | null = null;
    for (let i = 0; i < 600 && !message; i++) {
      await new Promise((r) => setTimeout(r, 200));
      message = (await worker.app.inject({ method: 'GET', url: `/cameras/${id}` })).json().stateMessage ?? null;
    }
    assert.match(String(message), /^the stream could not be read; the Scouter log has the details(; reconnect attempt \d+ in [\d.]+ s)?$/);
    const { rows } = await db.pool.query<{ state_message: string | null }>('SELECT message AS state_message FROM camera_status WHERE camera_id = $1', [id]);
    assert.match(String(rows[0]?.state_message), /^the stream could not be read; the Scouter log has the details/, 'the stored message is the same sentence');
  } finally {
    await worker.app.close();
    closed.close();
  }
});
