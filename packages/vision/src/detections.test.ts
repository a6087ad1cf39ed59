import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { Detections } from './detections.ts';
import { transferableFrame, type Frame } from './frame.ts';

const rows = [
  { xyxy: [0, 0, 10, 20] as const, confidence: 0.9, classId: 0 },
  { xyxy: [5, 5, 15, 45] as const, confidence: 0.4, classId: 2, trackerId: 7 },
  { xyxy: [100, 50, 120, 90] as const, confidence: 0.7, classId: 0 },
];

test('fromRows round-trips through toRows, untracked boxes get tracker id -1', () => {
  const d = Detections.fromRows(rows);
  assert.equal(d.length, 3);
  assert.deepEqual(d.toRows().map((r) => r.trackerId), [-1, 7, -1]);
  assert.deepEqual(d.box(1), [5, 5, 15, 45]);
});

test('filter and select keep boxes and data aligned', () => {
  const d = Detections.fromRows(rows, { name: ['a', 'b', 'c'] });
  const people = d.filter((i) => d.classId[i] === 0);
  assert.deepEqual(Array.from(people.confidence, (c) => Math.round(c * 10)), [9, 7]);
  assert.deepEqual(people.data.name, ['a', 'c']);
  assert.deepEqual(d.select([2, 0]).box(0), [100, 50, 120, 90]);
});

test('bottomCenters are the middle of each bottom edge', () => {
  assert.deepEqual(Array.from(Detections.fromRows(rows).bottomCenters()), [5, 20, 10, 45, 110, 90]);
});

test('mismatched column lengths are rejected with the column named', () => {
  assert.throws(
    () => new Detections({ xyxy: new Float32Array(4), confidence: new Float32Array(1), classId: new Int32Array(2) }),
    /classId has 2 entries, expected 1/,
  );
});

/** Posts `value` through a real MessageChannel (structured clone, `transfer` moved) and returns what arrives. */
async function throughPort<T>(value: T, transfer: ArrayBuffer[]): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  const arrived = new Promise<T>((resolve) => port2.once('message', resolve));
  port1.postMessage(value, transfer);
  try {
    return await arrived;
  } finally {
    port1.close();
    port2.close();
  }
}

test('detections cross a thread boundary with their real scores, classes, tracker ids and data, buffers moved not copied', async () => {
  const sent = Detections.fromRows(rows, { name: ['a', 'b', 'c'] });
  const { message, transfer } = sent.toMessage();
  assert.equal(transfer.length, 4);
  const got = Detections.fromMessage(await throughPort(message, transfer));
  assert.deepEqual(got.toRows(), Detections.fromRows(rows).toRows());
  assert.deepEqual(got.data.name, ['a', 'b', 'c']);
  // Transferred: the sender's arrays are detached, so nothing was copied.
  assert.equal(sent.xyxy.length, 0);
  assert.equal(sent.trackerId.length, 0);
});

test('typed arrays in data columns (embeddings) cross moved, with their values', async () => {
  const embedding = [Float32Array.of(0.25, -1), Float32Array.of(3, 4), Float32Array.of(5, 6)];
  const sent = Detections.fromRows(rows, { embedding });
  const { message, transfer } = sent.toMessage();
  assert.equal(transfer.length, 7);
  const got = Detections.fromMessage(await throughPort(message, transfer));
  assert.deepEqual((got.data.embedding as Float32Array[]).map((e) => Array.from(e)), [[0.25, -1], [3, 4], [5, 6]]);
  assert.ok((got.data.embedding as unknown[]).every((e) => e instanceof Float32Array));
  assert.equal(embedding[0]!.length, 0, 'moved, not copied');
});

test('a view into a larger buffer is sent by copy, leaving the sender intact', async () => {
  const backing = new Float32Array(12);
  backing.set([1, 2, 3, 4], 4);
  const d = new Detections({ xyxy: backing.subarray(4, 8), confidence: new Float32Array([0.5]), classId: new Int32Array([3]) });
  const { message, transfer } = d.toMessage();
  assert.ok(!transfer.includes(backing.buffer as ArrayBuffer));
  const got = Detections.fromMessage(await throughPort(message, transfer));
  assert.deepEqual(got.box(0), [1, 2, 3, 4]);
  assert.equal(got.classId[0], 3);
  assert.equal(backing.length, 12);
});

test('transferableFrame moves a frame that owns its buffer and copies a view', async () => {
  const own: Frame = { data: new Uint8Array([1, 2, 3, 4, 5, 6]), width: 2, height: 1, format: 'rgb24', index: 7 };
  const a = transferableFrame(own);
  assert.equal(a.frame, own);
  const got = await throughPort(a.frame, a.transfer);
  assert.deepEqual([...got.data], [1, 2, 3, 4, 5, 6]);
  assert.equal(got.index, 7);
  assert.equal(own.data.length, 0, 'the sender gave its pixels away');
  const big = new Uint8Array(12).fill(9);
  const view: Frame = { data: big.subarray(3, 9), width: 2, height: 1, format: 'rgb24' };
  const b = transferableFrame(view);
  await throughPort(b.frame, b.transfer);
  assert.equal(big.length, 12, 'the larger buffer stays with the sender');
});
