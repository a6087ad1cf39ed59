// Deleting a camera while its pipeline writes: the batch locks a track and then (checking the
// observation's foreign key) the camera row; the delete locks the camera row and then (cascading)
// the track. PostgreSQL breaks the cycle by failing one of them; the delete must not be the loser.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { CameraRepository } from './camera.repository.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.drop());

test('a camera deleted while a batch holds its track is deleted (deadlock retried), not a failure', async () => {
  const { rows } = await db.pool.query<{ id: number }>("INSERT INTO cameras (name, uri) VALUES ('door', 'file:///door.mp4') RETURNING id");
  const cameraId = rows[0]!.id;
  await db.pool.query("INSERT INTO tracks (camera_id, run_id, tracker_id, class_name, first_seen, last_seen) VALUES ($1, gen_random_uuid(), 1, 'person', now(), now())", [cameraId]);

  const batch = await db.pool.connect();
  try {
    await batch.query('BEGIN');
    // The delete's session checks for the deadlock first (1 s default against 10 s here), so it is the side that fails.
    await batch.query("SET LOCAL deadlock_timeout = '10s'");
    await batch.query('UPDATE tracks SET last_seen = now() WHERE camera_id = $1', [cameraId]);
    const removing = new CameraRepository(db.pool).remove(cameraId);
    await new Promise((r) => setTimeout(r, 300)); // the delete now waits for the track row
    // The batch's observation needs the camera row the delete holds: a deadlock, one side fails.
    const inserted = await batch
      .query("INSERT INTO observations (observed_at, camera_id, track_id, class_name, score, x1, y1, x2, y2) SELECT now(), $1, id, 'person', 0.9, 0, 0, 10, 10 FROM tracks WHERE camera_id = $1", [cameraId])
      .then(() => 'written', (err: { code?: string }) => err.code);
    await batch.query(inserted === 'written' ? 'COMMIT' : 'ROLLBACK');
    assert.equal(await removing, true, 'the camera is deleted whichever side PostgreSQL failed');
    assert.ok(inserted === 'written' || inserted === '40P01', `the batch ${inserted}`);
  } finally {
    batch.release();
  }
  const left = await db.pool.query('SELECT 1 FROM cameras WHERE id = $1', [cameraId]);
  assert.equal(left.rowCount, 0);
});
