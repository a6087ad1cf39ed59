import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameHandoff } from './frame-handoff.ts';

test('capacity 1: the newest frame wins and each replaced one is counted', async () => {
  const h = new FrameHandoff<number>();
  assert.equal(h.put(1), false);
  assert.equal(h.put(2), true);
  assert.equal(h.put(3), true);
  assert.equal(h.dropped, 2);
  assert.equal(await h.take(), 3);
  assert.equal(h.waiting, 0);
});

test('a larger capacity keeps a backlog in order and drops the oldest beyond it', async () => {
  const h = new FrameHandoff<number>(3);
  for (const v of [1, 2, 3, 4, 5]) h.put(v);
  assert.equal(h.dropped, 2);
  assert.equal(h.waiting, 3);
  assert.deepEqual([await h.take(), await h.take(), await h.take()], [3, 4, 5]);
});

test('a waiting consumer gets the next frame directly; close ends it after the backlog', async () => {
  const h = new FrameHandoff<number>(2);
  const next = h.take();
  h.put(7);
  assert.equal(await next, 7);
  h.put(8);
  h.close();
  assert.equal(h.put(9), false, 'puts after close are ignored');
  assert.equal(await h.take(), 8);
  assert.equal(await h.take(), undefined);
  assert.throws(() => new FrameHandoff(0), /capacity must be a whole number >= 1/);
});

test('resize: a smaller capacity drops the oldest waiting frames (counted); a larger one keeps more', async () => {
  const h = new FrameHandoff<number>(5);
  for (const v of [1, 2, 3, 4]) h.put(v);
  h.resize(2);
  assert.equal(h.capacity, 2);
  assert.equal(h.dropped, 2);
  assert.deepEqual([await h.take(), await h.take()], [3, 4]);
  h.resize(3);
  for (const v of [5, 6, 7]) h.put(v);
  assert.equal(h.dropped, 2, 'three fit now');
  assert.throws(() => h.resize(1.5), /capacity must be a whole number >= 1/);
});
