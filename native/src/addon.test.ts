// The addon re-checks what it is given (a wrong length would be a wild memory access), whoever
// calls it. These call the flat binding directly, past the TypeScript checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEVICE, loadAddon } from './addon.ts';
import { planFrame, planNms, planRoi } from './plan.ts';

const load = loadAddon();
const skip = load.ok ? false : `native addon unavailable: ${load.error.message}`;

describe('addon argument checks', () => {
  const frame = () => planFrame({ data: new Uint8Array(4 * 3 * 3), width: 4, height: 3, format: 'rgb24' }, { width: 8, height: 8, letterbox: true });
  const roi = () => planRoi({ data: new Float32Array(2 * 16), shape: [1, 2, 4, 4], layout: 'nchw' }, new Float32Array([0, 0, 2, 2]), { outputSize: 2 });

  it('accepts a valid plan', { skip }, () => {
    assert.ok(load.ok);
    assert.equal(load.addon.frameToTensor(frame(), DEVICE.cpu, false), undefined);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['short output', () => ({ ...frame(), out: new Float32Array(10) }), /output tensor has 10 elements/],
    ['short frame', () => ({ ...frame(), data: new Uint8Array(5) }), /frame data has 5 elements/],
    ['content outside output', () => ({ ...frame(), padX: 6 }), /content rectangle/],
    ['two channels', () => ({ ...frame(), channels: 2 }), /channels must be 3/],
    ['wrong array type', () => ({ ...frame(), out: new Float64Array(192) }), /out must be a Float32Array/],
    ['fractional size', () => ({ ...frame(), outWidth: 8.5 }), /outWidth must be an integer/],
  ];
  for (const [name, plan, message] of bad) {
    it(`frameToTensor rejects ${name} (sync throws, async rejects)`, { skip }, async () => {
      assert.ok(load.ok);
      assert.throws(() => load.addon.frameToTensor(plan() as ReturnType<typeof frame>, DEVICE.cpu, false), message);
      await assert.rejects(load.addon.frameToTensor(plan() as ReturnType<typeof frame>, DEVICE.cpu, true), message);
    });
  }

  it('roiAlign rejects a short feature map, a bad batch index and a NaN box', { skip }, () => {
    assert.ok(load.ok);
    const addon = load.addon;
    assert.throws(() => addon.roiAlign({ ...roi(), input: new Float32Array(3) }, DEVICE.cpu, false), /feature map has 3 elements/);
    assert.throws(() => addon.roiAlign({ ...roi(), batchIndices: new Int32Array([4]) }, DEVICE.cpu, false), /batch index 4/);
    assert.throws(() => addon.roiAlign({ ...roi(), boxes: new Float32Array([0, NaN, 1, 1]) }, DEVICE.cpu, false), /non-finite/);
  });

  it('nms rejects mismatched scores', { skip }, () => {
    assert.ok(load.ok);
    const plan = planNms(new Float32Array(8), new Float32Array(2), { iouThreshold: 0.5 });
    assert.throws(() => load.ok && load.addon.nms({ ...plan, scores: new Float32Array(3) }, DEVICE.cpu, false), /one entry per box/);
  });

  it('cuda kernels fail with a clear error when no GPU is present', { skip }, async () => {
    assert.ok(load.ok);
    if (load.addon.cudaDeviceCount() > 0) return; // covered by the backend table on GPU machines
    const message = load.addon.cudaCompiled ? /no CUDA device/ : /without CUDA|no CUDA kernels/;
    assert.throws(() => load.ok && load.addon.frameToTensor(frame(), DEVICE.cuda, false), message);
    await assert.rejects(load.addon.nms(planNms(new Float32Array(4), new Float32Array(1), { iouThreshold: 0.5 }), DEVICE.cuda, true), message);
  });

  it('sets and reports the worker thread count', { skip }, () => {
    assert.ok(load.ok);
    const before = load.addon.threads();
    assert.equal(load.addon.threads(3), 3);
    assert.equal(load.addon.threads(0), before);
  });
});
