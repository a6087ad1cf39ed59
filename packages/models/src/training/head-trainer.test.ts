// The head trainer on features with a known rule, and the ONNX export against the trained network
// in onnxruntime (the runtime AttributeHead uses live).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTrainOps, seededRandom, type HeadArchitecture } from '@sightline/native';
import { onnxRuntimeCpu } from '../backend/onnxruntime-cpu.backend.ts';
import { headToOnnx } from './head-onnx.ts';
import { trainHead, type FeatureSet } from './head-trainer.ts';

const side = 2, channels = 3, d = side * side * channels;

/** Class 1 when channel 0 averaged over the ROI exceeds channel 1 (plus noise): learnable, not trivial. */
function makeSet(n: number, seed: number): FeatureSet {
  const r = seededRandom(seed);
  const features = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0, b = 0;
    for (let p = 0; p < side * side; p++) {
      for (let c = 0; c < channels; c++) features[i * d + p * channels + c] = r() * 2 - 1;
      a += features[i * d + p * channels]!;
      b += features[i * d + p * channels + 1]!;
    }
    labels[i] = a > b ? 1 : 0;
  }
  return { features, labels, boxIds: Array.from({ length: n }, (_, i) => `box${i}`), d };
}

const train = makeSet(300, 1), validation = makeSet(100, 2);
const cases: [string, HeadArchitecture, 'adam' | 'sgd'][] = [
  ['linear', { kind: 'linear' }, 'sgd'],
  ['mlp', { kind: 'mlp', hidden: 16, dropout: 0.1 }, 'adam'],
  ['conv', { kind: 'conv', filters: 4, dropout: 0 }, 'adam'],
];

for (const [name, architecture, opt] of cases) {
  test(`${name} head learns the rule and its ONNX export gives the same probabilities`, async () => {
    const ops = loadTrainOps();
    const seen: number[] = [];
    const result = await trainHead({
      ops, input: { side, channels }, labels: ['no', 'yes'], train, validation, architecture,
      optimizer: opt === 'sgd' ? { kind: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-4 } : { kind: 'adam', lr: 0.01, weightDecay: 1e-4 },
      epochs: 15, batchSize: 32, seed: 3, classWeighting: 'balanced',
      onEpoch: (s) => void seen.push(s.epoch),
    });
    assert.deepEqual(seen, Array.from({ length: 15 }, (_, i) => i + 1));
    const m = result.metrics;
    assert.ok(m.valAccuracy >= 0.85, `validation accuracy ${m.valAccuracy} (majority ${m.majorityAccuracy})`);
    assert.equal(m.confusion.flat().reduce((a, b) => a + b, 0), validation.labels.length, 'the confusion matrix counts every validation box');
    const correct = m.confusion[0]![0]! + m.confusion[1]![1]!;
    assert.equal(correct / validation.labels.length, m.valAccuracy);
    const yes = m.perClass[1]!;
    assert.equal(yes.support, validation.labels.filter((l) => l === 1).length);
    assert.equal(yes.recall, m.confusion[1]![1]! / yes.support);
    assert.equal(m.wrong.length, Math.min(24, validation.labels.length - correct));

    const session = await onnxRuntimeCpu.createSession(headToOnnx(result.network, 'rule'), { threads: 1 });
    const n = 20;
    const x = validation.features.subarray(0, n * d);
    const out = await session.run({ features: { type: 'float32', dims: [n, side, side, channels], data: x } });
    const onnx = out.probabilities!.data as Float32Array;
    const ours = result.network.predict(x, n);
    const worst = Math.max(...Array.from(ours, (v, i) => Math.abs(v - onnx[i]!)));
    assert.ok(worst <= 1e-5, `ONNX vs trainer probabilities differ by ${worst}`);
    await session.release();
  });
}

test('cancellation: onEpoch returning false stops after that epoch and keeps the best weights so far', async () => {
  const result = await trainHead({
    ops: loadTrainOps(), input: { side, channels }, labels: ['no', 'yes'], train, validation, architecture: { kind: 'linear' },
    optimizer: { kind: 'adam', lr: 0.01, weightDecay: 0 }, epochs: 10, batchSize: 64, seed: 1, classWeighting: 'none',
    onEpoch: (s) => s.epoch < 3,
  });
  assert.equal(result.stopped, true);
  assert.equal(result.epochs.length, 3);
  assert.ok(result.metrics.bestEpoch >= 1 && result.metrics.bestEpoch <= 3);
});
