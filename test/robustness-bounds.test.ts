// Hostile numbers and images against all three services on a real PostgreSQL: ids past the int4
// range, infinite coordinates, a camera at 1e-300 fps, image headers claiming huge sizes. Each gets
// a 4xx naming the problem (never a 500) and leaves nothing behind.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestDatabase } from '@sightline/db';
import type { ServiceApp } from '@sightline/server-kit';
import type { KanohiApp } from '../services/kanohi/src/app.ts';
import { bearer, startHawk, testSchema, type HawkFixture } from '../services/hawk/src/testing/hawk-fixture.ts';
import { startKanohi, type KanohiFixture } from '../services/kanohi/src/testing/kanohi-fixture.ts';
import { drawPng, insertCamera } from '../services/kanohi/src/testing/scouter-rows.ts';
import { startScouter, type ScouterFixture } from './support/scouter-app.ts';

/** Out of the int4 range, or not a usable id at all. */
const BAD_IDS = ['2147483648', '99999999999999999999', '1e400', '-1', '0'];

type Probe = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: unknown; headers?: Record<string, string> };

async function expect4xx(app: { inject: ServiceApp['inject'] }, probe: Probe, headers: Record<string, string> = {}): Promise<void> {
  const res = await app.inject({ method: probe.method, url: probe.url, headers: { ...headers, ...probe.headers }, ...(probe.payload === undefined ? {} : { payload: probe.payload as object }) });
  assert.ok([400, 404].includes(res.statusCode), `${probe.method} ${probe.url} ${JSON.stringify(probe.payload ?? '')}: expected 400 or 404, got ${res.statusCode} ${res.body}`);
  assert.ok(res.json().message.length > 10, 'the answer says what was wrong');
}

describe('hawk', () => {
  let hawk: HawkFixture;
  before(async () => {
    hawk = await startHawk();
    await hawk.app.inject({ method: 'POST', url: '/projects', headers: bearer(hawk.adminToken), payload: { name: 'p', labelSchema: testSchema } });
  });
  after(() => hawk.close());

  test('ids past the int4 range in paths, queries and bodies are 400/404, never 500', async () => {
    for (const id of BAD_IDS) {
      const probes: Probe[] = [
        { method: 'GET', url: `/videos/${id}` },
        { method: 'DELETE', url: `/videos/${id}` },
        { method: 'GET', url: `/videos/${id}/sets` },
        { method: 'GET', url: `/sets/${id}/annotations` },
        { method: 'PATCH', url: `/sets/${id}/annotations`, payload: { baseVersion: 0 } },
        { method: 'GET', url: `/sets/${id}/history` },
        { method: 'GET', url: `/projects/${id}/videos` },
        { method: 'POST', url: `/projects/${id}/videos`, payload: { fileName: 'a.mp4', sizeBytes: 10 } },
        { method: 'PUT', url: `/projects/${id}/schema`, payload: { labelSchema: testSchema, schemaVersion: 1 } },
        { method: 'PATCH', url: `/videos/${id}/content`, headers: { 'content-type': 'application/octet-stream', 'upload-offset': '0' }, payload: Buffer.from('x') as unknown as object },
        { method: 'GET', url: `/videos/${id}/frames?from=0` },
        { method: 'GET', url: `/videos/${id}/frames/0` },
        { method: 'GET', url: `/videos/1/frames/${id}` },
        { method: 'GET', url: `/videos/${id}/assignments` },
        { method: 'POST', url: `/videos/${id}/assignments`, payload: { frameFrom: 0, frameTo: 1, annotatorIds: [1] } },
        { method: 'POST', url: `/assignments/${id}/merge`, payload: {} },
        { method: 'POST', url: `/sets/${id}/reviews`, payload: { frameFrom: 0, frameTo: 1, decision: 'approved' } },
        { method: 'GET', url: `/videos/${id}/reviews` },
        { method: 'POST', url: `/videos/${id}/prelabel`, payload: { frameFrom: 0, frameTo: 1 } },
        { method: 'GET', url: `/videos/${id}/prelabel` },
        { method: 'GET', url: `/videos/${id}/export?format=hawk` },
        { method: 'POST', url: `/videos/${id}/import?format=mot`, headers: { 'content-type': 'text/plain' }, payload: '1,1,1,1,1,1' as unknown as object },
        { method: 'GET', url: `/sets/1/annotations?from=${id}` },
        { method: 'POST', url: `/videos/1/import?format=mot&setId=${id}`, headers: { 'content-type': 'text/plain' }, payload: '1,1,1,1,1,1' as unknown as object },
      ];
      for (const probe of probes) await expect4xx(hawk.app, probe, bearer(hawk.adminToken));
    }
  });

  test('an announced size past 2^53 and infinite box coordinates are 400s', async () => {
    await expect4xx(hawk.app, { method: 'POST', url: '/projects/1/videos', payload: { fileName: 'a.mp4', sizeBytes: 2 ** 60 } }, bearer(hawk.adminToken));
    const res = await hawk.app.inject({
      method: 'PATCH',
      url: '/sets/1/annotations',
      headers: { ...bearer(hawk.adminToken), 'content-type': 'application/json' },
      payload: '{"baseVersion":0,"frames":{"0":[{"id":"a","label":"person","xyxy":[0,0,1e400,5],"attributes":{}}]}}',
    });
    assert.ok([400, 404].includes(res.statusCode), res.body);
  });
});

describe('kanohi', () => {
  let kanohi: KanohiFixture;
  let db: TestDatabase;
  let app: KanohiApp;
  let floorId: number;
  before(async () => {
    kanohi = await startKanohi({ maxImagePixels: 10_000_000 });
    ({ db, app } = kanohi);
    floorId = (await app.inject({ method: 'POST', url: '/floors', payload: { name: 'Ground' } })).json().id;
  });
  after(() => kanohi?.close());

  test('ids past the int4 range are 400/404, never 500', async () => {
    await insertCamera(db.pool, 'cam', [640, 480]);
    for (const id of BAD_IDS) {
      const probes: Probe[] = [
        { method: 'GET', url: `/floors/${id}` },
        { method: 'PATCH', url: `/floors/${id}`, payload: { name: 'x' } },
        { method: 'DELETE', url: `/floors/${id}` },
        { method: 'GET', url: `/floors/${id}/image` },
        { method: 'GET', url: `/floors/${id}/zones` },
        { method: 'POST', url: `/floors/${id}/zones`, payload: { name: 'z', polygonXy: [[0, 0], [1, 0], [1, 1]] } },
        { method: 'DELETE', url: `/floors/${floorId}/zones/${id}` },
        { method: 'DELETE', url: `/floors/${floorId}/lines/${id}` },
        { method: 'GET', url: `/floors/${id}/heatmap?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z` },
        { method: 'GET', url: `/floors/${id}/stats/counts?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z` },
        { method: 'GET', url: `/floors/${id}/attributes?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z` },
        { method: 'GET', url: `/cameras/${id}` },
        { method: 'PUT', url: `/cameras/${id}/placement`, payload: { floorId } },
        { method: 'PUT', url: '/cameras/1/placement', payload: { floorId: Number(id) } },
        { method: 'GET', url: `/cameras/${id}/calibrations` },
        { method: 'GET', url: `/cameras/${id}/backfill` },
        { method: 'GET', url: `/cameras/${id}/snapshot` },
      ];
      for (const probe of probes) await expect4xx(app, probe);
    }
  });

  test('infinite coordinates in zones and calibrations are 400s', async () => {
    for (const body of ['{"name":"z","polygonXy":[[0,0],[1e400,0],[1,1]]}', '{"name":"l","startXy":[0,0],"endXy":[-1e400,1]}']) {
      const url = body.includes('polygonXy') ? `/floors/${floorId}/zones` : `/floors/${floorId}/lines`;
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: body });
      assert.equal(res.statusCode, 400, res.body);
    }
  });

  test('a PNG header claiming 100000 x 100000 px is refused before decoding and leaves the floor as it was', async () => {
    const before = (await app.inject({ method: 'GET', url: `/floors/${floorId}` })).json();
    const header = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(header, 0);
    header.write('IHDR', 12, 'ascii');
    header.writeUInt32BE(100_000, 16);
    header.writeUInt32BE(100_000, 20);
    header[24] = 8;
    header[25] = 2;
    const huge = await app.inject({ method: 'PUT', url: `/floors/${floorId}/image`, headers: { 'content-type': 'image/png' }, payload: header });
    assert.equal(huge.statusCode, 413, huge.body);
    assert.match(huge.json().message, /100000 x 100000 pixels, more than the limit of 10000000 pixels/);
    // Within the pixel limit but only a header: it must decode, and does not.
    header.writeUInt32BE(2000, 16);
    header.writeUInt32BE(1000, 20);
    const hollow = await app.inject({ method: 'PUT', url: `/floors/${floorId}/image`, headers: { 'content-type': 'image/png' }, payload: header });
    assert.equal(hollow.statusCode, 422, hollow.body);
    assert.match(hollow.json().message, /does not decode/);
    const snapshot = await app.inject({ method: 'PUT', url: '/cameras/1/snapshot', headers: { 'content-type': 'image/png' }, payload: header });
    assert.equal(snapshot.statusCode, 422, snapshot.body);
    assert.deepEqual((await app.inject({ method: 'GET', url: `/floors/${floorId}` })).json(), before, 'the floor is unchanged');

    // The real plan afterwards gets the scale from the floor's width, not from the refused header.
    const plan = drawPng(400, 250, (x) => (x % 50 === 0 ? [0, 0, 0] : [255, 255, 255]));
    const real = (await app.inject({ method: 'PUT', url: `/floors/${floorId}/image`, headers: { 'content-type': 'image/png' }, payload: plan })).json();
    assert.equal(real.metersPerPixel, before.widthM / 400);
    assert.equal(real.widthM, before.widthM);
  });
});

describe('scouter', () => {
  let scouter: ScouterFixture;
  let db: TestDatabase;
  let app: ServiceApp;
  before(async () => {
    // cam.local is allowed so that only the fps can be what a camera below is refused for.
    scouter = await startScouter({ worker: false, allowNetworks: 'cam.local' }, { injectAs: 'operator' });
    ({ db } = scouter);
    app = scouter.scouter.app;
  });
  after(() => scouter?.close());

  test('ids past the int4 range are 400/404, never 500', async () => {
    for (const id of BAD_IDS) {
      for (const probe of [
        { method: 'GET', url: `/cameras/${id}` },
        { method: 'PATCH', url: `/cameras/${id}`, payload: { fps: 5 } },
        { method: 'DELETE', url: `/cameras/${id}` },
        { method: 'GET', url: `/training/jobs/${id}/wrong/0/crop.jpg` },
        { method: 'GET', url: `/training/jobs/1/wrong/${id}/crop.jpg` },
      ] satisfies Probe[]) {
        await expect4xx(app, probe);
      }
    }
  });

  test('a camera at 1e-300 fps is a 400 naming fps, and no camera is stored', async () => {
    for (const fps of [1e-300, 0, -1, 121]) {
      const res = await app.inject({ method: 'POST', url: '/cameras', payload: { name: `tiny ${fps}`, uri: 'rtsp://cam.local/stream', fps } });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().message, /fps/);
    }
    assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM cameras')).rows[0].n, 0);
  });
});

describe('kanohi statistics', () => {
  let kanohi: KanohiFixture;
  let app: KanohiApp;
  before(async () => void ({ app } = kanohi = await startKanohi()));
  after(() => kanohi?.close());

  test('a year in 1-second buckets is refused naming the bucket cap; wider buckets answer', async () => {
    const floorId = (await app.inject({ method: 'POST', url: '/floors', payload: { name: 'Stats' } })).json().id;
    for (const kind of ['counts', 'zones', 'lines']) {
      const res = await app.inject({ method: 'GET', url: `/floors/${floorId}/stats/${kind}?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z&bucketSeconds=1` });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().message, /31449600 buckets of 1 s is more than one answer holds \(100000\)/);
      const wide = await app.inject({ method: 'GET', url: `/floors/${floorId}/stats/${kind}?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z&bucketSeconds=3600` });
      assert.equal(wide.statusCode, 200, wide.body);
    }
  });
});
