import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Detections } from '../detections.ts';
import { cosineDistance, EmbeddingCentering, normalised } from './appearance-cue.ts';

test('centering: a plain mean over the first 1/rate embeddings, subtracted after the frame is folded in', () => {
  const c = new EmbeddingCentering(0.25);
  // Frame 1: mean (2, 1) -> centred (-1, 0), (1, 0).
  assert.deepEqual(c.center([[1, 1], [3, 1]]).map((e) => Array.from(e)), [[-1, 0], [1, 0]]);
  // Frame 2: 3 and 4 embeddings seen, weights 1/3 then the floor 0.25: (2,1) -> (3,1) -> (4.5,1).
  assert.deepEqual(c.center([[5, 1], [9, 1]]).map((e) => Array.from(e)), [[0.5, 0], [4.5, 0]]);
  assert.equal(c.count, 4);
  // Another length restarts the mean (a different embedder).
  assert.deepEqual(Array.from(c.center([[7, 7, 7]])[0]!), [0, 0, 0]);
  assert.throws(() => new EmbeddingCentering(0), /rate must be within/);
});

test('centering makes look-alike embeddings tell two people apart', () => {
  // A big common part, two people differing slightly along one axis each.
  const a = [100, 100, 1, 0];
  const b = [100, 100, 0, 1];
  assert.ok(cosineDistance(normalised(a), b) < 0.001, 'uncentred they look the same');
  const c = new EmbeddingCentering();
  const frames = Array.from({ length: 20 }, () => new Detections({ xyxy: new Float32Array(8), confidence: new Float32Array(2), classId: new Int32Array(2), data: { embedding: [a, b] } }));
  let last: Detections | undefined;
  for (const d of frames) last = c.centerColumn(d, 'embedding');
  const [ca, cb] = last!.data.embedding as Float32Array[];
  assert.ok(cosineDistance(normalised(ca!), cb!) > 1.5, 'centred they are opposite');
  // Without the column the detections pass unchanged.
  const plain = new Detections({ xyxy: new Float32Array(4), confidence: new Float32Array(1), classId: new Int32Array(1) });
  assert.equal(c.centerColumn(plain, 'embedding'), plain);
});
