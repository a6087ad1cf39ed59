// The shared-memory tiled conv (conv_tile_bodies.h) against the simple conv kernel, through the
// CPU emulation of its thread blocks: the scalar tile and the tensor-core tile's stand-in must
// give the simple kernel's bits in FP32 and FP16 on shapes that leave every tile edge ragged
// (taps not a multiple of 16, channels and pixels not multiples of 64, groups, stride,
// dilation, padding, batch 2), and the simple kernel must match onnxruntime. On a GPU the
// scalar tile must match bit for bit and the tensor-core tile within FP16 tolerance.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attr, encodeModel, onnxRuntimeCpu, type OnnxNode } from '@sightline/models';
import { randomFloats } from './graph-cases.fixture.ts';
import { CONV_VARIANTS, cudaGraphAvailable, loadGraph, type GraphDevice } from './graph-engine.ts';
import { planGraph } from './plan-graph.ts';

interface ConvShape {
  name: string;
  n: number;
  c: number;
  h: number;
  w: number;
  m: number;
  k: number;
  stride: number;
  dilation: number;
  group: number;
  act?: 'Relu' | 'Sigmoid';
}

const SHAPES: ConvShape[] = [
  { name: '3x3 s2 d2, 171 taps, 70 channels, batch 2', n: 2, c: 19, h: 13, w: 11, m: 70, k: 3, stride: 2, dilation: 2, group: 1, act: 'Relu' },
  { name: 'grouped 2 x (16 -> 24), 5x5', n: 1, c: 32, h: 9, w: 10, m: 48, k: 5, stride: 1, dilation: 1, group: 2 },
  { name: 'pointwise 64 -> 128 over 20x21 pixels', n: 1, c: 64, h: 20, w: 21, m: 128, k: 1, stride: 1, dilation: 1, group: 1, act: 'Sigmoid' },
  { name: 'depthwise 3x3 (tiles do not apply: simple kernel)', n: 1, c: 24, h: 8, w: 8, m: 24, k: 3, stride: 1, dilation: 1, group: 24 },
];

function convModel(s: ConvShape): { onnx: Uint8Array; input: Float32Array } {
  const nodes: OnnxNode[] = [
    { opType: 'Conv', name: 'conv', inputs: ['x', 'w', 'b'], outputs: [s.act ? 'c' : 'y'], attributes: { kernel_shape: attr.ints([s.k, s.k]), strides: attr.ints([s.stride, s.stride]), dilations: attr.ints([s.dilation, s.dilation]), pads: attr.ints([1, 0, s.k - 1, 1]), group: attr.int(s.group) } },
  ];
  if (s.act) nodes.push({ opType: s.act, name: 'act', inputs: ['c'], outputs: ['y'], attributes: {} });
  const wDims = [s.m, s.c / s.group, s.k, s.k];
  const onnx = encodeModel(
    {
      name: s.name,
      nodes,
      initializers: [
        { name: 'w', dataType: 'float32', dims: wDims, data: randomFloats(wDims.reduce((a, b) => a * b, 1), 11, -0.3, 0.3) },
        { name: 'b', dataType: 'float32', dims: [s.m], data: randomFloats(s.m, 12, -0.2, 0.2) },
      ],
      inputs: [{ name: 'x', dataType: 'float32', shape: [s.n, s.c, s.h, s.w] }],
      outputs: [{ name: 'y', dataType: 'float32' }],
    },
    { opsetVersion: 13, producerName: 'sightline-test', producerVersion: '1' },
  );
  return { onnx, input: randomFloats(s.n * s.c * s.h * s.w, 13, -1, 1) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const TILED = CONV_VARIANTS.indexOf('tiled');
const MMA = CONV_VARIANTS.indexOf('tiled-mma');
/** Tensor-core tile vs the simple FP16 kernel on a GPU (|diff|, outputs of magnitude ~1). */
const MMA_DEVICE_TOLERANCE = 2e-2;

const cuda = cudaGraphAvailable();
const devices: { device: GraphDevice; skip: string | false }[] = [
  { device: 'emulated', skip: false },
  { device: 'cuda', skip: cuda.ok ? false : `CUDA graph executor not runnable here: ${cuda.reason}` },
];

describe('tiled implicit-GEMM conv vs the simple conv kernel', () => {
  for (const s of SHAPES) {
    for (const { device, skip } of devices) {
      it(`${device}: ${s.name}`, { skip }, async (t) => {
        const { onnx, input } = convModel(s);
        const ort = await onnxRuntimeCpu.createSession(onnx, { threads: 1 });
        const ref = (await ort.run({ x: { type: 'float32', dims: [s.n, s.c, s.h, s.w], data: input } })).y!.data as Float32Array;
        await ort.release();
        for (const precision of ['fp32', 'fp16'] as const) {
          const plan = planGraph(onnx, { precision });
          assert.equal(plan.ops.length, 1, 'one fused conv');
          const [simple] = loadGraph(plan, device).runSync([input]);
          const d = maxAbsDiff(simple!, ref);
          t.diagnostic(`${precision} simple vs onnxruntime: ${d.toExponential(2)}`);
          assert.ok(d <= (precision === 'fp32' ? 1e-4 : 2e-2), `${precision} simple kernel vs onnxruntime ${d}`);
          for (const v of [TILED, MMA]) {
            const [out] = loadGraph(plan, device, [v]).runSync([input]);
            if (device === 'cuda' && v === MMA && precision === 'fp16') {
              const dm = maxAbsDiff(out!, simple!);
              t.diagnostic(`tensor-core tile vs simple FP16: ${dm.toExponential(2)}`);
              assert.ok(dm <= MMA_DEVICE_TOLERANCE, `tensor-core tile ${dm} > ${MMA_DEVICE_TOLERANCE}`);
            } else {
              assert.deepEqual(out, simple, `${precision} ${CONV_VARIANTS[v]} gives the simple kernel's bits`);
            }
          }
        }
      });
    }
  }

  it('autotuning times the tiles only where they apply', () => {
    for (const s of [SHAPES[2]!, SHAPES[3]!]) {
      for (const precision of ['fp32', 'fp16'] as const) {
        const session = loadGraph(planGraph(convModel(s).onnx, { precision }), 'emulated');
        const ms = Array.from(session.timeVariants(1));
        const timed = ms.map((x) => x >= 0);
        const tiles = s.group === 1;
        assert.deepEqual(timed, [true, true, true, tiles, tiles && precision === 'fp16'], `${s.name} ${precision}`);
      }
    }
  });
});
