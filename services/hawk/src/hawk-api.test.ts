// Hawk's HTTP API against a real PostgreSQL with real migrations, real ffprobe/ffmpeg on videos
// generated here: logins and roles, projects and schema changes, uploads, extraction and frames.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import { bearer, makeTestVideo, startHawk, testSchema, type HawkFixture } from './testing/hawk-fixture.ts';
import { ffmpegPath } from '@sightline/media';

let hawk: HawkFixture;
let projectId: number;
let clip: string;

before(async () => {
  hawk = await startHawk({ maxUploadBytes: 5 * 1024 * 1024 });
  clip = makeTestVideo(join(hawk.mediaDir, 'clip.mp4'), { seconds: 2, fps: 10 });
  const res = await hawk.app.inject({ method: 'POST', url: '/projects', headers: bearer(hawk.adminToken), payload: { name: 'street', labelSchema: testSchema } });
  assert.equal(res.statusCode, 201, res.body);
  projectId = res.json().id;
});
after(() => hawk.close());

describe('auth', () => {
  test('the seeded admin logs in; wrong passwords and missing tokens are 401 with a hint', async () => {
    const bad = await hawk.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: 'nope' } });
    assert.equal(bad.statusCode, 401);
    assert.match(bad.json().message, /Wrong username or password/);
    const anon = await hawk.app.inject({ method: 'GET', url: '/projects' });
    assert.equal(anon.statusCode, 401);
    assert.match(anon.json().message, /POST \/auth\/login/);
    const me = await hawk.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(hawk.adminToken) });
    assert.deepEqual({ ...(me.json() as object), id: 0 }, { id: 0, username: 'admin', role: 'admin' });
  });

  test('login sets an HttpOnly session cookie that authenticates too; logout ends it', async () => {
    const res = await hawk.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: 'admin-password' } });
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    assert.match(String(res.headers['set-cookie']), /HttpOnly/);
    assert.equal((await hawk.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } })).statusCode, 200);
    assert.equal((await hawk.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } })).statusCode, 200);
    assert.equal((await hawk.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } })).statusCode, 401);
  });

  test('first-run setup is refused once users exist; annotators cannot create projects or users', async () => {
    const setup = await hawk.app.inject({ method: 'POST', url: '/auth/setup', payload: { username: 'eve', password: 'long-enough', setupToken: 'guessed' } });
    assert.equal(setup.statusCode, 403);
    assert.match(setup.json().message, /already set up/);
    const ann = await hawk.user('ann', 'annotator');
    const project = await hawk.app.inject({ method: 'POST', url: '/projects', headers: ann.headers, payload: { name: 'x', labelSchema: testSchema } });
    assert.equal(project.statusCode, 403);
    assert.match(project.json().message, /role admin/);
    // The role is checked before the body: an annotator's bad body is a 403, not a 400.
    const badBody = await hawk.app.inject({ method: 'POST', url: '/projects', headers: ann.headers, payload: { nonsense: true } });
    assert.equal(badBody.statusCode, 403);
    assert.equal((await hawk.app.inject({ method: 'GET', url: '/users', headers: ann.headers })).statusCode, 403);
    const dup = await hawk.app.inject({ method: 'POST', url: '/users', headers: bearer(hawk.adminToken), payload: { username: 'ann', password: 'another-one', role: 'reviewer' } });
    assert.equal(dup.statusCode, 409);
  });
});

describe('projects', () => {
  const cases = [
    { name: 'duplicate class', schema: { classes: [{ name: 'a', attributes: [] }, { name: 'a', attributes: [] }] }, message: /class "a" appears twice/ },
    { name: 'select default not an option', schema: { classes: [{ name: 'a', attributes: [{ name: 's', type: 'select', options: ['x'], default: 'y' }] }] }, message: /not one of its options/ },
    { name: 'unknown attribute type', schema: { classes: [{ name: 'a', attributes: [{ name: 's', type: 'colour', default: 'y' }] }] }, message: /Invalid request/ },
    { name: 'no classes', schema: { classes: [] }, message: /Invalid request/ },
  ];
  for (const c of cases) {
    test(`a label schema with ${c.name} is a 400 saying so`, async () => {
      const res = await hawk.app.inject({ method: 'POST', url: '/projects', headers: bearer(hawk.adminToken), payload: { name: `p-${c.name}`, labelSchema: c.schema } });
      assert.equal(res.statusCode, 400);
      assert.match(res.json().message, c.message);
    });
  }
});

describe('videos', () => {
  test('a chunked upload is probed, extracted with progress events, and frames are served with cache headers', async () => {
    const app = hawk.app;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const socket = connect(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, { auth: { token: hawk.adminToken }, transports: ['websocket'], reconnection: false });
    const events: { status: string; progress: number; frameCount: number }[] = [];
    socket.on('hawk:extraction', (e) => events.push(e));
    await new Promise((resolve) => socket.once('service:status', resolve));
    try {
      const video = await hawk.upload(projectId, clip, { chunkBytes: 7000, frameStep: 2 });
      assert.equal(video.status, 'ready', video.error ?? '');
      assert.deepEqual([video.width, video.height], [320, 240]);
      assert.equal(video.frameCount, 10, '2 s at 10 fps, every 2nd frame');
      assert.equal(readdirSync(join(hawk.mediaDir, 'videos', String(video.id), 'frames')).length, 10);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(events.at(-1)?.status, 'ready');
      assert.equal(events.at(-1)?.frameCount, 10);
      assert.ok(events.some((e) => e.status === 'extracting'), 'progress events while extracting');

      const frame = await app.inject({ method: 'GET', url: `/videos/${video.id}/frames/3`, headers: bearer(hawk.adminToken) });
      assert.equal(frame.statusCode, 200);
      assert.equal(frame.headers['content-type'], 'image/jpeg');
      assert.match(String(frame.headers['cache-control']), /max-age=31536000/);
      assert.deepEqual([...frame.rawPayload.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
      const cached = await app.inject({ method: 'GET', url: `/videos/${video.id}/frames/3`, headers: { ...bearer(hawk.adminToken), 'if-none-match': String(frame.headers.etag) } });
      assert.equal(cached.statusCode, 304);
      const part = await app.inject({ method: 'GET', url: `/videos/${video.id}/frames/3`, headers: { ...bearer(hawk.adminToken), range: 'bytes=0-99' } });
      assert.equal(part.statusCode, 206);
      assert.equal(part.rawPayload.length, 100);
      assert.deepEqual(part.rawPayload, frame.rawPayload.subarray(0, 100));
      const past = await app.inject({ method: 'GET', url: `/videos/${video.id}/frames/10`, headers: bearer(hawk.adminToken) });
      assert.equal(past.statusCode, 404);
      assert.match(past.json().message, /frames 1\.\.10 \(indices 0\.\.9\)/);
    } finally {
      socket.close();
    }
  });

  test('a wrong upload offset is a 409 naming the offset to resume from', async () => {
    const bytes = readFileSync(clip);
    const created = await hawk.app.inject({ method: 'POST', url: `/projects/${projectId}/videos`, headers: bearer(hawk.adminToken), payload: { fileName: 'r.mp4', sizeBytes: bytes.length } });
    const id = created.json().id;
    const headers = { ...bearer(hawk.adminToken), 'content-type': 'application/octet-stream' };
    const first = await hawk.app.inject({ method: 'PATCH', url: `/videos/${id}/content`, headers: { ...headers, 'upload-offset': '0' }, payload: bytes.subarray(0, 5000) });
    assert.equal(first.json().receivedBytes, 5000);
    const wrong = await hawk.app.inject({ method: 'PATCH', url: `/videos/${id}/content`, headers: { ...headers, 'upload-offset': '0' }, payload: bytes.subarray(0, 5000) });
    assert.equal(wrong.statusCode, 409);
    assert.match(wrong.json().message, /continue from 5000/);
    const rest = await hawk.app.inject({ method: 'PATCH', url: `/videos/${id}/content`, headers: { ...headers, 'upload-offset': '5000' }, payload: bytes.subarray(5000) });
    assert.equal(rest.statusCode, 200, rest.body);
    await hawk.app.hawk.videos.settled(id);
    assert.equal((await hawk.app.inject({ method: 'GET', url: `/videos/${id}`, headers: bearer(hawk.adminToken) })).json().status, 'ready');
  });

  const bad = [
    { name: 'a text file', bytes: () => Buffer.from('hello, this is not a video\n'.repeat(100)) },
    { name: 'a truncated mp4', bytes: () => readFileSync(clip).subarray(0, 3000) },
    { name: 'a PNG image', bytes: () => execPng() },
  ];
  for (const b of bad) {
    test(`${b.name} is a 422 that says so and leaves nothing behind`, async () => {
      const bytes = b.bytes();
      const created = await hawk.app.inject({ method: 'POST', url: `/projects/${projectId}/videos`, headers: bearer(hawk.adminToken), payload: { fileName: 'bad.mp4', sizeBytes: bytes.length } });
      const id = created.json().id;
      const res = await hawk.app.inject({ method: 'PATCH', url: `/videos/${id}/content`, headers: { ...bearer(hawk.adminToken), 'content-type': 'application/octet-stream', 'upload-offset': '0' }, payload: bytes });
      assert.equal(res.statusCode, 422, res.body);
      assert.match(res.json().message, /not a usable video.*Nothing was kept/);
      assert.equal((await hawk.app.inject({ method: 'GET', url: `/videos/${id}`, headers: bearer(hawk.adminToken) })).statusCode, 404);
      assert.equal(existsSync(join(hawk.mediaDir, 'videos', String(id))), false);
    });
  }

  test('uploads over the size limit are refused before and during transfer', async () => {
    const big = await hawk.app.inject({ method: 'POST', url: `/projects/${projectId}/videos`, headers: bearer(hawk.adminToken), payload: { fileName: 'big.mp4', sizeBytes: 6 * 1024 * 1024 } });
    assert.equal(big.statusCode, 413);
    assert.match(big.json().message, /HAWK_MAX_UPLOAD_BYTES/);
    const small = await hawk.app.inject({ method: 'POST', url: `/projects/${projectId}/videos`, headers: bearer(hawk.adminToken), payload: { fileName: 'liar.mp4', sizeBytes: 100 } });
    const id = small.json().id;
    const res = await hawk.app.inject({ method: 'PATCH', url: `/videos/${id}/content`, headers: { ...bearer(hawk.adminToken), 'content-type': 'application/octet-stream', 'upload-offset': '0' }, payload: Buffer.alloc(500) });
    assert.equal(res.statusCode, 413);
    assert.equal(existsSync(join(hawk.mediaDir, 'videos', String(id))), false);
  });
});

function execPng(): Buffer {
  const path = join(hawk.mediaDir, 'still.png');
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48', '-frames:v', '1', path]);
  return readFileSync(path);
}
