// LiveRelay against the real PostgreSQL: events one process publishes back to back reach another
// process in the order they were published, none dropped below the queue bound, its own never echoed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TracksEvent } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { until } from '../../../../test/support/until.ts';
import { LiveBusRepository } from '../repositories/live-bus.repository.ts';
import { LiveRelay, type RelayedEvent } from './live-relay.service.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db?.drop());

const tracks = (frameIndex: number): RelayedEvent => ({
  kind: 'tracks',
  event: { cameraId: 1, frameIndex, width: 480, height: 360, decodedAtMs: frameIndex * 100, latencyMs: 1, fps: 10, predicted: false, boxes: [{ trackerId: 1, className: 'person', score: 0.9, xyxy: [frameIndex, 10, frameIndex + 20, 60], attributes: {} }] } satisfies TracksEvent,
});

test('a burst of events published back to back arrives in publish order at another process, not echoed to its sender', async () => {
  const got: number[] = [];
  const echoed: number[] = [];
  const sender = new LiveRelay(new LiveBusRepository(db.pool), (r) => echoed.push((r.event as TracksEvent).frameIndex), { warn: () => undefined });
  const receiver = new LiveRelay(new LiveBusRepository(db.pool), (r) => got.push((r.event as TracksEvent).frameIndex), { warn: () => undefined });
  await Promise.all([sender.start(), receiver.start()]);
  try {
    // 40 events at once: several statements' worth, as a camera publishing its predicted frames.
    for (let i = 0; i < 40; i++) sender.publish(tracks(i));
    await until('all 40 events relayed', () => got.length >= 40, 10_000, 10);
    assert.deepEqual(got, Array.from({ length: 40 }, (_, i) => i), 'in publish order');
    assert.equal(sender.dropped, 0);
    assert.deepEqual(echoed, [], 'a process does not receive its own events');
  } finally {
    await sender.stop();
    await receiver.stop();
  }
});

test('beyond the queue bound events are dropped and counted, and the rest still arrive in order', async () => {
  const got: number[] = [];
  const sender = new LiveRelay(new LiveBusRepository(db.pool), () => undefined, { warn: () => undefined });
  const receiver = new LiveRelay(new LiveBusRepository(db.pool), (r) => got.push((r.event as TracksEvent).frameIndex), { warn: () => undefined });
  await Promise.all([sender.start(), receiver.start()]);
  try {
    for (let i = 0; i < 200; i++) sender.publish(tracks(i));
    assert.ok(sender.dropped > 0, 'a burst of 200 outruns the bound');
    await until('the queued events relayed', () => got.length >= 200 - sender.dropped, 10_000, 10);
    assert.equal(got.length, 200 - sender.dropped);
    assert.ok(got.every((v, i) => i === 0 || v > got[i - 1]!), 'still in publish order');
  } finally {
    await sender.stop();
    await receiver.stop();
  }
});
