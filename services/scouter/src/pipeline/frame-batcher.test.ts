// The batch gatherer's rules with a manual clock (no device, no real time): full batches go at once,
// a lone frame goes when its wait ends, frames arriving during a pass form the next batch, CPU
// backends never gather.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchingFor, batchSetting, FrameBatcher, GATHER, type Schedule } from './frame-batcher.ts';

/** A clock the test advances by hand. */
function manualClock(): { schedule: Schedule; fire: () => void; pending: () => number } {
  let timers: { run: () => void; ms: number }[] = [];
  return {
    schedule: (run, ms) => {
      const t = { run, ms };
      timers.push(t);
      return () => (timers = timers.filter((x) => x !== t));
    },
    fire: () => {
      const due = timers;
      timers = [];
      due.forEach((t) => t.run());
    },
    pending: () => timers.length,
  };
}

/** A pass the test finishes by hand: doubles each number. */
function manualPass() {
  const calls: { items: number[]; finish: () => void; fail: (err: Error) => void }[] = [];
  const pass = (items: number[]) =>
    new Promise<number[]>((resolve, reject) => calls.push({ items, finish: () => resolve(items.map((i) => i * 2)), fail: reject }));
  return { pass, calls };
}

const tick = () => new Promise((r) => setImmediate(r));

test('CUDA gathers up to 4 frames with a 5 ms bound; CPU backends run single passes', () => {
  assert.deepEqual(batchingFor('native-cuda'), { maxBatch: 4, maxWaitMs: 5 });
  for (const cpu of ['onnxruntime-cpu', 'native-cuda-emulated', 'anything']) assert.deepEqual(batchingFor(cpu), { maxBatch: 1, maxWaitMs: 0 });
});

test('SIGHTLINE_BATCH forces gathering on or off whatever the backend; a wrong value names the setting', () => {
  assert.equal(batchSetting({}), 'auto');
  assert.equal(batchSetting({ SIGHTLINE_BATCH: 'on' }), 'on');
  assert.throws(() => batchSetting({ SIGHTLINE_BATCH: 'yes' }), /SIGHTLINE_BATCH must be one of auto, on, off, got "yes"/);
  assert.deepEqual(batchingFor('onnxruntime-cpu', 'on'), GATHER);
  assert.deepEqual(batchingFor('native-cuda', 'off'), { maxBatch: 1, maxWaitMs: 0 });
  assert.deepEqual(batchingFor('native-cuda', 'auto'), GATHER);
});

test('a full batch goes at once without waiting, and each frame gets its own result', async () => {
  const clock = manualClock();
  const { pass, calls } = manualPass();
  const batcher = new FrameBatcher({ maxBatch: 3, maxWaitMs: 5 }, pass, clock.schedule);
  const results = [1, 2, 3].map((n) => batcher.push(n));
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]!.items, [1, 2, 3]);
  assert.equal(clock.pending(), 0, 'no timer left once the batch went');
  calls[0]!.finish();
  assert.deepEqual(await Promise.all(results), [2, 4, 6]);
});

test('a lone frame waits for company only until its bound, then goes alone', async () => {
  const clock = manualClock();
  const { pass, calls } = manualPass();
  const batcher = new FrameBatcher({ maxBatch: 4, maxWaitMs: 5 }, pass, clock.schedule);
  const one = batcher.push(7);
  assert.equal(calls.length, 0, 'waits for a second camera');
  assert.equal(clock.pending(), 1);
  clock.fire();
  assert.deepEqual(calls[0]!.items, [7]);
  calls[0]!.finish();
  assert.equal(await one, 14);
  assert.deepEqual(batcher.batchSizes, [1]);
});

test('frames arriving during a pass form the next batch as soon as the pass ends; one pass at a time', async () => {
  const clock = manualClock();
  const { pass, calls } = manualPass();
  const batcher = new FrameBatcher({ maxBatch: 2, maxWaitMs: 5 }, pass, clock.schedule);
  const a = [batcher.push(1), batcher.push(2)];
  const b = [batcher.push(3), batcher.push(4), batcher.push(5)];
  assert.equal(calls.length, 1, 'a second pass never starts while one runs');
  calls[0]!.finish();
  await Promise.all(a);
  await tick();
  assert.deepEqual(calls[1]!.items, [3, 4]);
  calls[1]!.finish();
  await tick();
  await tick();
  assert.deepEqual(calls[2]!.items, [5], 'the overdue frame goes without a further wait');
  calls[2]!.finish();
  assert.deepEqual(await Promise.all(b), [6, 8, 10]);
  assert.deepEqual(batcher.batchSizes, [2, 2, 1]);
});

test('a failed pass rejects every frame of its batch and the next batch still runs', async () => {
  const clock = manualClock();
  const { pass, calls } = manualPass();
  const batcher = new FrameBatcher({ maxBatch: 2, maxWaitMs: 5 }, pass, clock.schedule);
  const first = [batcher.push(1), batcher.push(2)];
  const later = batcher.push(3);
  calls[0]!.fail(new Error('device lost'));
  for (const p of first) await assert.rejects(p, /device lost/);
  await tick();
  calls[1]!.finish();
  assert.equal(await later, 6);
});

test('with a batch of 1 every frame goes at once (the CPU policy)', async () => {
  const clock = manualClock();
  const { pass, calls } = manualPass();
  const batcher = new FrameBatcher(batchingFor('onnxruntime-cpu'), pass, clock.schedule);
  const p = batcher.push(5);
  assert.deepEqual(calls[0]!.items, [5]);
  assert.equal(clock.pending(), 0);
  calls[0]!.finish();
  assert.equal(await p, 10);
});

test('items of two groups (input shapes) never share a batch; the oldest item\'s group goes first', async () => {
  const clock = manualClock();
  const { pass, calls } = manualPass();
  // Odd numbers are one shape, even numbers another.
  const batcher = new FrameBatcher({ maxBatch: 3, maxWaitMs: 5 }, pass, clock.schedule, (n) => String(n % 2));
  const results = [1, 2, 3, 4].map((n) => batcher.push(n));
  assert.equal(calls.length, 0, 'no group is full yet');
  clock.fire();
  assert.deepEqual(calls[0]!.items, [1, 3]);
  calls[0]!.finish();
  await tick();
  await tick();
  assert.deepEqual(calls[1]!.items, [2, 4]);
  calls[1]!.finish();
  assert.deepEqual(await Promise.all(results), [2, 4, 6, 8]);
  await tick();
  // A full group sends a batch at once, starting with the oldest item's group.
  const more = [5, 6, 8, 10].map((n) => batcher.push(n));
  assert.deepEqual(calls[2]!.items, [5]);
  calls[2]!.finish();
  await tick();
  await tick();
  assert.deepEqual(calls[3]!.items, [6, 8, 10]);
  calls[3]!.finish();
  assert.deepEqual(await Promise.all(more), [10, 12, 16, 20]);
  assert.deepEqual(Object.fromEntries(batcher.passesBySize), { 1: 1, 2: 2, 3: 1 });
});

test('settled waits for the waiting items and the running pass', async () => {
  const clock = manualClock();
  const { pass, calls } = manualPass();
  const batcher = new FrameBatcher({ maxBatch: 2, maxWaitMs: 5 }, pass, clock.schedule);
  await batcher.settled();
  const p = batcher.push(1);
  let settled = false;
  void batcher.settled().then(() => (settled = true));
  clock.fire();
  await tick();
  assert.equal(settled, false, 'a pass still runs');
  calls[0]!.finish();
  assert.equal(await p, 2);
  await tick();
  assert.equal(settled, true);
});

test('a bad policy is refused', () => {
  assert.throws(() => new FrameBatcher({ maxBatch: 0, maxWaitMs: 5 }, async (x: number[]) => x), /maxBatch/);
  assert.throws(() => new FrameBatcher({ maxBatch: 2, maxWaitMs: -1 }, async (x: number[]) => x), /maxWaitMs/);
});
