// BatchScheduler under fake timers: full batches leave at once, partial ones when the oldest
// item's budget is spent, frames of several producers share batches and get their own
// results, a failed run rejects only its batch, close() flushes.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { BatchScheduler } from './batch-scheduler.ts';

/** Lets resolved promises run their callbacks. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A run taking `ms` of fake time that labels each item and records the batches. */
function fakeRun(ms: number, batches: string[][]) {
  return (items: string[]): Promise<string[]> => {
    batches.push(items);
    return new Promise((resolve) => setTimeout(() => resolve(items.map((i) => `${i}:done`)), ms));
  };
}

describe('BatchScheduler', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  it('sends a full batch at once and a partial one when its budget is spent', async () => {
    const batches: string[][] = [];
    const s = new BatchScheduler({ maxBatch: 3, maxWaitMs: 10, run: fakeRun(2, batches) });
    const full = ['a', 'b', 'c'].map((x) => s.submit(x));
    assert.deepEqual(batches, [['a', 'b', 'c']]);
    mock.timers.tick(2);
    await settle();
    assert.deepEqual(await Promise.all(full), ['a:done', 'b:done', 'c:done']);
    const d = s.submit('d');
    mock.timers.tick(5);
    const e = s.submit('e');
    mock.timers.tick(4);
    await settle();
    assert.equal(batches.length, 1, 'd has waited 9 ms of its 10');
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(batches[1], ['d', 'e']);
    mock.timers.tick(2);
    await settle();
    assert.deepEqual(await Promise.all([d, e]), ['d:done', 'e:done']);
    assert.deepEqual({ full: s.stats.full, timedOut: s.stats.timedOut, maxQueueMs: s.stats.maxQueueMs }, { full: 1, timedOut: 1, maxQueueMs: 10 });
  });

  it('groups frames of several producers within the budget, one batch in flight', async () => {
    const batches: string[][] = [];
    const maxWaitMs = 15;
    const s = new BatchScheduler({ maxBatch: 4, maxWaitMs, run: fakeRun(6, batches) });
    const results: Promise<string>[] = [];
    const submitted: string[] = [];
    // 5 cameras at ~30 fps (every 33 ms), starting at different phases, 10 frames each.
    for (let cam = 0; cam < 5; cam++) {
      for (let f = 0; f < 10; f++) {
        setTimeout(() => {
          const id = `cam${cam}#${f}`;
          submitted.push(id);
          results.push(s.submit(id));
        }, cam * 7 + f * 33);
      }
    }
    for (let t = 0; t < 400; t++) {
      mock.timers.tick(1);
      await settle();
    }
    await s.close();
    const out = await Promise.all(results);
    assert.equal(out.length, 50);
    out.forEach((r, i) => assert.equal(r, `${submitted[i]}:done`, 'each frame gets its own result'));
    assert.ok(batches.every((b) => b.length >= 1 && b.length <= 4));
    assert.deepEqual(batches.flat().sort(), [...submitted].sort(), 'every frame in exactly one batch');
    assert.ok(batches.some((b) => new Set(b.map((id) => id.split('#')[0])).size > 1), 'batches mix cameras');
    assert.ok(s.stats.maxQueueMs <= maxWaitMs, `a frame waited ${s.stats.maxQueueMs} ms > ${maxWaitMs}`);
    assert.ok(s.stats.batches < 50, `${s.stats.batches} batches for 50 frames`);
  });

  it('queues behind a running batch and sends at once when the budget ran out meanwhile', async () => {
    const batches: string[][] = [];
    const s = new BatchScheduler({ maxBatch: 8, maxWaitMs: 5, run: fakeRun(20, batches) });
    void s.submit('a');
    mock.timers.tick(5);
    await settle();
    const b = s.submit('b');
    mock.timers.tick(10);
    await settle();
    assert.equal(batches.length, 1, 'b waits for the running batch');
    mock.timers.tick(10);
    await settle();
    assert.deepEqual(batches[1], ['b']);
    assert.equal(s.stats.maxQueueMs, 20);
    mock.timers.tick(20);
    await settle();
    assert.equal(await b, 'b:done');
  });

  it('a failed run rejects its own batch only; close() flushes and refuses new items', async () => {
    let calls = 0;
    const s = new BatchScheduler<string, string>({
      maxBatch: 2,
      maxWaitMs: 50,
      run: async (items) => {
        if (calls++ === 0) throw new Error('device lost');
        return items.map((i) => i.toUpperCase());
      },
    });
    const first = [s.submit('a'), s.submit('b')];
    await Promise.all(first.map((p) => assert.rejects(p, /device lost/)));
    const c = s.submit('c');
    await settle();
    assert.equal(s.pending, 1);
    await s.close();
    assert.equal(await c, 'C');
    await assert.rejects(s.submit('d'), /closed/);
  });

  it('rejects bad options', () => {
    const run = async (x: number[]): Promise<number[]> => x;
    assert.throws(() => new BatchScheduler({ maxBatch: 0, maxWaitMs: 1, run }), /maxBatch/);
    assert.throws(() => new BatchScheduler({ maxBatch: 2, maxWaitMs: -1, run }), /maxWaitMs/);
  });
});
