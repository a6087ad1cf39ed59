// The training kernels: C++ against the TypeScript reference (bit for bit), every architecture's
// gradients against central finite differences, optimiser steps against hand arithmetic, and
// runs that depend on the seed only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DropoutLayer } from './head-layers.ts';
import { HeadNetwork, type HeadArchitecture } from './head-network.ts';
import { loadTrainOps } from './load-train-ops.ts';
import { createNativeTrainOps, trainBinding } from './native-ops.ts';
import { createOptimizer } from './optimizer.ts';
import { createReferenceTrainOps } from './reference-ops.ts';
import { seededRandom } from './seeded-random.ts';
import type { TrainOps } from './train-ops.ts';
import { loadAddon } from '../addon.ts';

const ts = createReferenceTrainOps();
const load = loadAddon();
const binding = load.ok ? trainBinding(load.addon) : undefined;
const cpp = binding && !('missing' in binding) ? createNativeTrainOps(binding) : undefined;
const cppSkip = cpp ? false : `C++ training kernels unavailable: ${load.ok ? 'addon built without them' : load.error.message}`;
// The CUDA kernels' per-element bodies looped on the CPU (cpp/train_emulation.cc).
const emulated = binding && !('missing' in binding) ? createNativeTrainOps(binding, 'cuda-emulated') : undefined;
const backends: [string, TrainOps][] = [['ts', ts], ...(cpp ? ([['cpp', cpp], ['cuda-emulated', emulated!]] as [string, TrainOps][]) : [])];

const rnd = (len: number, seed: number, scale = 1): Float32Array => {
  const r = seededRandom(seed);
  return Float32Array.from({ length: len }, () => (r() * 2 - 1) * scale);
};

/** Every kernel once on fixed random inputs: its outputs by name. */
function runAll(ops: TrainOps): Record<string, Float32Array | Int32Array | number> {
  const out: Record<string, Float32Array | Int32Array | number> = {};
  const dense = { n: 5, in: 7, out: 3, x: rnd(35, 1), w: rnd(21, 2), b: rnd(3, 3) };
  out.dense = new Float32Array(15);
  ops.denseForward({ ...dense, y: out.dense });
  // A wide layer too: the C++ kernel takes another loop order from 16 outputs on.
  const wide = { n: 3, in: 9, out: 20, x: rnd(27, 31), w: rnd(180, 32), b: rnd(20, 33) };
  out.wide = new Float32Array(60);
  ops.denseForward({ ...wide, y: out.wide });
  out.dx = new Float32Array(35); out.dw = new Float32Array(21); out.db = new Float32Array(3);
  ops.denseBackward({ ...dense, dy: rnd(15, 4), dx: out.dx, dw: out.dw, db: out.db });
  const conv = { n: 2, c: 3, h: 5, w: 4, o: 2, k: 3, pad: 1, x: rnd(120, 5), weight: rnd(54, 6), b: rnd(2, 7) };
  out.conv = new Float32Array(80);
  ops.convForward({ ...conv, y: out.conv });
  out.cdx = new Float32Array(120); out.cdw = new Float32Array(54); out.cdb = new Float32Array(2);
  ops.convBackward({ ...conv, dy: rnd(80, 8), dx: out.cdx, dw: out.cdw, db: out.cdb });
  out.pool = new Float32Array(2 * 3 * 2 * 2); out.arg = new Int32Array(24);
  ops.maxPoolForward({ nc: 6, h: 5, w: 4, k: 2, x: conv.x, y: out.pool, argmax: out.arg });
  out.pdx = new Float32Array(120);
  ops.maxPoolBackward({ nc: 6, h: 5, w: 4, k: 2, dy: rnd(24, 9), argmax: out.arg, dx: out.pdx });
  out.relu = new Float32Array(35); ops.reluForward({ len: 35, x: dense.x, y: out.relu });
  out.rdx = new Float32Array(35); ops.reluBackward({ len: 35, x: dense.x, dy: rnd(35, 10), dx: out.rdx });
  out.drop = new Float32Array(35);
  ops.dropout({ len: 35, x: dense.x, mask: Uint8Array.from({ length: 35 }, (_, i) => i % 3 ? 1 : 0), scale: 1 / 0.7, y: out.drop });
  out.probs = new Float32Array(15); out.dlogits = new Float32Array(15);
  out.loss = ops.softmaxCrossEntropy({ n: 5, k: 3, logits: rnd(15, 11, 3), labels: Int32Array.from([0, 2, 1, 1, 0]), classWeights: Float32Array.from([1, 2, 0.5]), probs: out.probs, dlogits: out.dlogits });
  const p1 = rnd(20, 12), v1 = rnd(20, 13, 0.1);
  ops.sgdStep({ len: 20, param: p1, grad: rnd(20, 14), v: v1, lr: 0.1, momentum: 0.9, weightDecay: 1e-3 });
  const p2 = rnd(20, 15), m2 = rnd(20, 16, 0.1), v2 = Float32Array.from(rnd(20, 17), (x) => x * x);
  ops.adamStep({ len: 20, param: p2, grad: rnd(20, 18), m: m2, v: v2, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, bc1: 1 - 0.9 ** 3, bc2: 1 - 0.999 ** 3 });
  Object.assign(out, { p1, v1, p2, m2, v2 });
  return out;
}

test('C++ kernels equal the TypeScript reference bit for bit', { skip: cppSkip }, () => {
  const a = runAll(ts), b = runAll(cpp!);
  for (const key of Object.keys(a)) {
    const x = a[key]!, y = b[key]!;
    if (typeof x === 'number') assert.ok(Math.abs(x - (y as number)) <= 1e-12 * Math.max(1, Math.abs(x)), `${key}: ${x} vs ${String(y)}`);
    else if (key === 'probs' || key === 'dlogits') (x as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - (y as Float32Array)[i]!) <= 1e-7, `${key}[${i}]`));
    else assert.deepEqual(Array.from(y as Float32Array), Array.from(x), key);
  }
});

test('the CUDA kernel bodies, emulated on the CPU, equal the C++ kernels bit for bit', { skip: cppSkip }, () => {
  const a = runAll(cpp!), b = runAll(emulated!);
  for (const key of Object.keys(a)) {
    const x = a[key]!, y = b[key]!;
    if (typeof x === 'number') assert.equal(y, x, key);
    else assert.deepEqual(Array.from(y as Float32Array), Array.from(x), key);
  }
  // Without a device the CUDA path says so instead of computing anything.
  const onGpu = createNativeTrainOps(binding as Exclude<typeof binding, undefined | { missing: string[] }>, 'cuda');
  assert.throws(() => onGpu.reluForward({ len: 1, x: new Float32Array(1), y: new Float32Array(1) }), /no CUDA device|no CUDA training kernels|CUDA error/);
});

test('the addon refuses wrong lengths and labels instead of reading past a buffer', { skip: cppSkip }, () => {
  assert.throws(() => cpp!.denseForward({ n: 2, in: 3, out: 2, x: new Float32Array(5), w: new Float32Array(6), b: new Float32Array(2), y: new Float32Array(4) }), /x has 5 elements, expected 6/);
  assert.throws(() => cpp!.softmaxCrossEntropy({ n: 1, k: 2, logits: new Float32Array(2), labels: Int32Array.from([2]), probs: new Float32Array(2), dlogits: new Float32Array(2) }), /class indices/);
});

const architectures: [string, HeadArchitecture][] = [
  ['linear', { kind: 'linear' }],
  ['mlp', { kind: 'mlp', hidden: 5, dropout: 0 }],
  ['conv', { kind: 'conv', filters: 3, dropout: 0 }],
];

for (const [backend, ops] of backends) {
  for (const [name, arch] of architectures) {
    test(`${backend} ${name} head: gradients match central finite differences`, () => {
      const net = new HeadNetwork(ops, { side: 4, channels: 2 }, 3, arch, 3);
      const n = 4;
      const x = rnd(n * net.inputSize, 21);
      const labels = Int32Array.from([0, 1, 2, 1]);
      const weights = Float32Array.from([1, 1.5, 0.7]);
      net.lossAndGradients(x, labels, n, weights, false);
      const analytic = net.params.map((p) => p.grad.slice());
      const r = seededRandom(5);
      let checked = 0;
      for (const [pi, p] of net.params.entries()) {
        for (let t = 0; t < 6; t++) {
          const i = Math.floor(r() * p.value.length);
          const orig = p.value[i]!;
          const eps = 1e-3;
          p.value[i] = orig + eps;
          const up = net.lossAndGradients(x, labels, n, weights, false);
          p.value[i] = orig - eps;
          const down = net.lossAndGradients(x, labels, n, weights, false);
          p.value[i] = orig;
          const numeric = (up - down) / (2 * eps);
          const got = analytic[pi]![i]!;
          // float32 parameters and a step of 1e-3: rounding moves the difference quotient by about 1e-4;
          // a larger step would cross ReLU and max-pool kinks.
          assert.ok(Math.abs(numeric - got) <= 2e-3 + 2e-2 * Math.abs(numeric), `${p.name}[${i}]: analytic ${got}, numeric ${numeric}`);
          checked++;
        }
      }
      assert.ok(checked >= 6 * net.params.length);
    });
  }

  test(`${backend} dropout: the backward pass is the forward mask, scaled`, () => {
    const layer = new DropoutLayer(ops, 10, 0.5, seededRandom(1));
    const x = rnd(20, 2);
    const y = layer.forward(x, 2, true).slice();
    const kept = y.filter((v) => v !== 0).length;
    assert.ok(kept > 0 && kept < 20, `some kept, some dropped (${kept})`);
    const dx = layer.backward(Float32Array.from({ length: 20 }, () => 1), 2);
    y.forEach((v, i) => assert.equal(dx[i], v === 0 ? 0 : 2, `element ${i}`));
    assert.deepEqual(layer.forward(x, 2, false), x, 'inference passes values through');
  });

  test(`${backend} optimisers: one SGD-momentum and one AdamW step by hand`, () => {
    const net = new HeadNetwork(ops, { side: 1, channels: 1 }, 2, { kind: 'linear' }, 1);
    const [w] = net.params;
    w!.value.set([0.5, -0.25]);
    w!.grad.set([0.2, -0.4]);
    net.params[1]!.grad.fill(0);
    const sgd = createOptimizer(ops, net.params, { kind: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    sgd.step();
    assert.deepEqual(Array.from(w!.value), [Math.fround(0.5 - 0.1 * (0.2 + 0.005)), Math.fround(-0.25 - 0.1 * (-0.4 - 0.0025))]);
    sgd.step(); // velocity 0.9 v + g'
    const v1 = 0.2 + 0.01 * 0.5;
    const p1 = Math.fround(0.5 - 0.1 * v1);
    assert.equal(w!.value[0], Math.fround(p1 - 0.1 * (0.9 * Math.fround(v1) + 0.2 + 0.01 * p1)));
    w!.value.set([0.5, -0.25]);
    const adam = createOptimizer(ops, net.params, { kind: 'adam', lr: 0.01, weightDecay: 0 });
    adam.step();
    // First Adam step: m/bc1 = g, v/bc2 = g^2, so the move is lr * sign(g) (eps aside).
    assert.ok(Math.abs(w!.value[0]! - (0.5 - 0.01)) < 1e-6 && Math.abs(w!.value[1]! - (-0.25 + 0.01)) < 1e-6, `${Array.from(w!.value)}`);
  });
}

test('training depends on the seed only: same seed same weights, on every backend', () => {
  const train = (ops: TrainOps, seed: number) => {
    const net = new HeadNetwork(ops, { side: 2, channels: 3 }, 2, { kind: 'mlp', hidden: 6, dropout: 0.3 }, seed);
    const opt = createOptimizer(ops, net.params, { kind: 'adam', lr: 0.01, weightDecay: 1e-3 });
    const x = rnd(8 * net.inputSize, 30);
    const labels = Int32Array.from([0, 1, 0, 1, 1, 0, 1, 0]);
    for (let i = 0; i < 5; i++) {
      net.lossAndGradients(x, labels, 8);
      opt.step();
    }
    return net.weights().flatMap((w) => Array.from(w.data));
  };
  const a = train(ts, 7);
  assert.deepEqual(train(ts, 7), a);
  assert.notDeepEqual(train(ts, 8), a);
  if (cpp) {
    const b = train(cpp, 7);
    const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    assert.ok(worst <= 1e-6, `cpp vs ts after 5 Adam steps: ${worst}`);
    assert.deepEqual(train(emulated!, 7), b, 'the emulated CUDA kernels train to the C++ weights bit for bit');
  }
});

test('loadTrainOps picks the C++ kernels when built, the reference when asked', () => {
  assert.equal(loadTrainOps('ts').backendName, 'ts');
  if (cpp) assert.equal(loadTrainOps('cpp').backendName, 'cpp');
  else assert.throws(() => loadTrainOps('cpp'), /not available/);
});
