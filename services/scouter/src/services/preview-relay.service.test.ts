// PreviewRelay against the real PostgreSQL (migration 0010): what one process shares, another
// reads and emits once; stale or unwatched references cost no read; a write never queues.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { FrameEvent } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { until } from '../../../../test/support/until.ts';
import { samplesJpg } from '../../test-support/clip-fixture.ts';
import { PreviewRepository } from '../repositories/preview.repository.ts';
import type { FrameRef } from './live-relay.service.ts';
import { PreviewRelay } from './preview-relay.service.ts';

let db: TestDatabase;
let cameraId: number;
const jpeg = readFileSync(samplesJpg);

/** A relay whose references and emitted events are collected; `clients` says whether a browser is connected. */
function relay(clients = true): { relay: PreviewRelay; refs: FrameRef[]; emitted: FrameEvent[] } {
  const refs: FrameRef[] = [];
  const emitted: FrameEvent[] = [];
  const r = new PreviewRelay(new PreviewRepository(db.pool), { publish: (ref) => refs.push(ref), emit: (e) => emitted.push(e), hasClients: () => clients }, { warn: () => undefined });
  return { relay: r, refs, emitted };
}

const event = (frameIndex: number): FrameEvent => ({ cameraId, frameIndex, width: 640, height: 480, jpegBase64: jpeg.toString('base64') });

before(async () => {
  db = await createTestDatabase();
  cameraId = (await db.pool.query<{ id: number }>("INSERT INTO cameras (name, uri) VALUES ('p', 'file:///x.mp4') RETURNING id")).rows[0]!.id;
});
after(() => db?.drop());

test('a shared preview is read and emitted once by another process; stale references are ignored', async () => {
  const owner = relay();
  const viewer = relay();
  owner.relay.share(event(7), jpeg);
  owner.relay.share(event(8), jpeg);
  owner.relay.share(event(9), jpeg);
  const [first, latest] = await until('the owner to share the first and the newest preview', () => owner.refs.length >= 2 && owner.refs, 10_000, 10);
  assert.equal(owner.relay.skipped, 1, 'the preview replaced while the first was written (8) was skipped; the newest (9) waited for its turn');
  assert.equal(owner.refs.length, 2);
  assert.ok(latest!.seq > first!.seq, 'sequence numbers grow');

  viewer.relay.receive(latest!);
  const [shown] = await until('the viewer to emit the preview', () => viewer.emitted.length > 0 && viewer.emitted, 10_000, 10);
  assert.deepEqual(shown, event(9));
  assert.deepEqual([...Buffer.from(shown!.jpegBase64, 'base64').subarray(0, 2)], [0xff, 0xd8]);

  viewer.relay.receive(latest!);
  viewer.relay.receive(first!);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(viewer.relay.fetched, 1, 'a reference already shown, or older, is not read again');

  owner.relay.share(event(10), jpeg);
  const newer = await until('the owner to share a newer preview', () => owner.refs[2], 10_000, 10);
  assert.ok(newer.seq > latest!.seq, 'sequence numbers grow');
  viewer.relay.receive(newer);
  await until('the viewer to emit the newer preview', () => viewer.emitted.length === 2, 10_000, 10);
  assert.equal(viewer.emitted[1]!.frameIndex, 10);
});

test('without a connected browser a reference is not read', async () => {
  const owner = relay();
  const blind = relay(false);
  owner.relay.share(event(20), jpeg);
  const [ref] = await until('the owner to share a preview', () => owner.refs.length > 0 && owner.refs, 10_000, 10);
  blind.relay.receive(ref!);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(blind.relay.fetched, 0);
  assert.equal(blind.emitted.length, 0);
});

test('a preview of a removed camera is neither stored nor announced', async () => {
  const gone = (await db.pool.query<{ id: number }>("INSERT INTO cameras (name, uri) VALUES ('gone', 'file:///y.mp4') RETURNING id")).rows[0]!.id;
  await db.pool.query('DELETE FROM cameras WHERE id = $1', [gone]);
  const owner = relay();
  owner.relay.share({ ...event(1), cameraId: gone }, jpeg);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(owner.refs.length, 0);
  assert.equal((await db.pool.query('SELECT 1 FROM scouter_previews WHERE camera_id = $1', [gone])).rowCount, 0);
});

test('repeated writes of a large preview keep only the latest one', async () => {
  const repo = new PreviewRepository(db.pool);
  const n = 20;
  for (let i = 0; i < n; i++) await repo.save({ cameraId, frameIndex: 100 + i, width: 640, height: 480, jpeg });
  const latest = await repo.newerThan(cameraId, 0);
  assert.equal(latest?.frameIndex, 100 + n - 1, 'the last write is the one stored');
  assert.equal((await db.pool.query('SELECT 1 FROM scouter_previews WHERE camera_id = $1', [cameraId])).rowCount, 1);
});
