import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObservationRow } from '../types/observation.ts';
import { ObservationBatcher } from './observation-batcher.ts';

const row = (trackerId: number): ObservationRow => ({ observedAt: new Date(), trackerId, className: 'person', score: 0.9, xyxy: [0, 0, 10, 10], attributes: {} });

test('rows of a removed camera (foreign key violation) are discarded once, never retried', async () => {
  let writes = 0;
  let gone = -1;
  const errors: string[] = [];
  const batcher = new ObservationBatcher(
    async () => {
      writes++;
      throw Object.assign(new Error('insert or update on table "tracks" violates foreign key constraint "tracks_camera_id_fkey"'), { code: '23503' });
    },
    10,
    1000,
    (err) => errors.push(err.message),
    undefined,
    (n) => (gone = n),
  );
  batcher.add([row(1), row(2)]);
  await batcher.flush();
  batcher.add([row(3)]);
  await batcher.close();
  assert.equal(writes, 1, 'one write tried, no retry');
  assert.equal(gone, 2);
  assert.equal(batcher.discarded, 3, 'the later row is counted as discarded too');
  assert.deepEqual(errors, [], 'not reported as a retryable failure');
});

test('a write that fails for another reason keeps its rows for the next flush', async () => {
  let fail = true;
  const written: number[] = [];
  const batcher = new ObservationBatcher(async (rows) => {
    if (fail) throw new Error('connection refused');
    written.push(...rows.map((r) => r.trackerId));
  }, 10_000);
  batcher.add([row(1)]);
  await batcher.flush();
  fail = false;
  await batcher.close();
  assert.deepEqual(written, [1]);
  assert.equal(batcher.discarded, 0);
});
