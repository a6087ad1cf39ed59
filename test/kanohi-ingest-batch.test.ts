// Kanohi's batched ingest: notices that wait in the queue are handled together (one projection, one
// identity pass, one store transaction), and must store exactly what handling them one at a time
// stores: the same floor points, roll-ups and identities. A batch that fails is retried notice by
// notice, so one bad notice loses only itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { FloorPointRepository, type FloorPoint, type IdentityDecision, type ProjectedPoint } from '../services/kanohi/src/repositories/floor-point.repository.ts';
import { FloorIdentityService } from '../services/kanohi/src/services/floor-identity.service.ts';
import { IngestService } from '../services/kanohi/src/services/ingest.service.ts';
import { LiveMapService } from '../services/kanohi/src/services/live-map.service.ts';
import { insertBatch, insertCamera, insertTrack } from '../services/kanohi/src/testing/scouter-rows.ts';

const T0 = Date.parse('2025-03-05T12:00:00.000Z');
const CAMERAS = 3;
const BATCHES = 6;

/** Counts store transactions, to see how many batches the queue formed. */
class CountingRepository extends FloorPointRepository {
  stores = 0;
  override async store(points: readonly ProjectedPoint[], decision: IdentityDecision): Promise<FloorPoint[]> {
    this.stores++;
    return super.store(points, decision);
  }
}

let db: TestDatabase;
const notices: { cameraId: number; fromTime: string; toTime: string }[] = [];

before(async () => {
  db = await createTestDatabase();
  const { rows: [floor] } = await db.pool.query<{ id: number }>("INSERT INTO floors (name, width_m, height_m) VALUES ('hall', 40, 25) RETURNING id");
  for (let c = 0; c < CAMERAS; c++) {
    const cameraId = await insertCamera(db.pool, `cam${c}`, [640, 480]);
    await db.pool.query(
      `INSERT INTO calibrations (camera_id, version, floor_id, points, matrix, errors_m, rms_error_m, max_error_m)
       VALUES ($1, 1, $2, '[]', '{0.0625,0,0,0,0.052,0,0,0,1}', '{}', 0, 0)`,
      [cameraId, floor!.id],
    );
    await db.pool.query('INSERT INTO camera_placements (camera_id, floor_id) VALUES ($1, $2)', [cameraId, floor!.id]);
    // Two people per camera, each camera's people in its own third of the floor (no cross-camera merges).
    const tracks = [await insertTrack(db.pool, cameraId, 1, new Date(T0), { gender: { value: 'female', confidence: 0.9 } }), await insertTrack(db.pool, cameraId, 2, new Date(T0))];
    for (let b = 0; b < BATCHES; b++) {
      const rows = [];
      for (let f = 0; f < 5; f++) {
        const at = new Date(T0 + (b * 5 + f) * 100);
        for (const [p, trackId] of tracks.entries()) {
          const x = c * 200 + p * 80 + b * 5 + f;
          rows.push({ trackId, observedAt: at, xyxy: [x, 100 + p * 100, x + 20, 200 + p * 100 + b * 4] as [number, number, number, number] });
        }
      }
      await insertBatch(db.pool, cameraId, rows);
      notices.push({ cameraId, fromTime: rows[0]!.observedAt.toISOString(), toTime: rows.at(-1)!.observedAt.toISOString() });
    }
  }
});

after(async () => {
  await db?.drop();
});

function service(pool: pg.Pool, errors: string[] = []) {
  const repo = new CountingRepository(pool);
  const identity = new FloorIdentityService({ mergeDistanceM: 1, mergeGapMs: 1000, handoverMs: 300 });
  const ingest = new IngestService(repo, identity, new LiveMapService(identity, { trailPoints: 20, graceMs: 1500 }), () => undefined, { warn: (m) => errors.push(m), error: (m) => errors.push(m) });
  return { repo, ingest };
}

/** Everything the ingest stores, in a stable order (seconds are float sums: their order of addition differs in the last bits). */
async function stored(): Promise<Record<string, unknown[]>> {
  const q = async (sql: string) => (await db.pool.query(sql)).rows;
  return {
    points: await q('SELECT camera_id, track_id::text, observed_at, x_m, y_m, gender, counted FROM floor_points ORDER BY camera_id, track_id, observed_at'),
    cells: await q('SELECT bucket, cell_x, cell_y, gender, samples, round(seconds::numeric, 5)::text AS seconds FROM floor_heat_cells ORDER BY 1, 2, 3, 4'),
    quarters: await q('SELECT bucket, cell_x, cell_y, gender, samples, round(seconds::numeric, 5)::text AS seconds FROM floor_heat_quarters ORDER BY 1, 2, 3, 4'),
    hours: await q('SELECT bucket, cell_x, cell_y, gender, samples, round(seconds::numeric, 5)::text AS seconds FROM floor_heat_hours ORDER BY 1, 2, 3, 4'),
    identities: await q('SELECT camera_id, track_id::text, person_id::text FROM floor_identities ORDER BY 1, 2'),
  };
}

const reset = () => db.pool.query('TRUNCATE floor_points, floor_heat_cells, floor_heat_quarters, floor_heat_hours, floor_identities');

test('queued notices are stored in batches, exactly as one at a time', async () => {
  const single = service(db.pool);
  let count = 0;
  for (const notice of notices) count += await single.ingest.ingest(notice);
  assert.equal(count, CAMERAS * BATCHES * 10, 'every observation became a floor point');
  const oneAtATime = await stored();
  assert.equal(single.repo.stores, notices.length);

  await reset();
  const batched = service(db.pool);
  // All notices arrive while the first batch runs, as when Kanohi is behind.
  for (const notice of notices) batched.ingest.handleNotice(JSON.stringify(notice));
  await batched.ingest.idle();
  assert.ok(batched.repo.stores < notices.length / 2, `${notices.length} notices in ${batched.repo.stores} store transactions`);
  assert.deepEqual(await stored(), oneAtATime);
  // Notices seen again store nothing more.
  assert.equal(await batched.ingest.ingestBatch(notices), 0);
});

test('a batch that fails is retried notice by notice: only the bad notice is lost, and it is logged', async () => {
  await reset();
  const errors: string[] = [];
  const { ingest } = service(db.pool, errors);
  // A camera id beyond PostgreSQL's integer range passes the notice's schema but fails the projection.
  const bad = { cameraId: 2 ** 40, fromTime: notices[0]!.fromTime, toTime: notices[0]!.toTime };
  const stored = await ingest.ingestBatch([...notices.slice(0, 4), bad, ...notices.slice(4)]);
  assert.equal(stored, CAMERAS * BATCHES * 10);
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, new RegExp(`camera ${2 ** 40} `));
  assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM floor_points')).rows[0].n, CAMERAS * BATCHES * 10);
});
