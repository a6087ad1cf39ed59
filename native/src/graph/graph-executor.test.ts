// Executor parity: every hand-built graph planned, run by the CUDA kernel bodies emulated on
// the CPU (FP32 and FP16 storage) and by the real CUDA executor where a GPU is present, against
// onnxruntime CPU. Kernel variants must agree bit for bit (same accumulation order).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onnxRuntimeCpu } from '@sightline/models';
import { graphCases } from './graph-cases.fixture.ts';
import { cudaGraphAvailable, loadGraph, type GraphDevice } from './graph-engine.ts';
import { planGraph } from './plan-graph.ts';

/** Max |diff| relative to the reference's largest magnitude (floor 1). */
export const TOLERANCE = { fp32: 1e-4, fp16: 2e-2 } as const;

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'output length');
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!) / scale);
  return max;
}

const cuda = cudaGraphAvailable();
const devices: { device: GraphDevice; skip: string | false }[] = [
  { device: 'emulated', skip: false },
  { device: 'cuda', skip: cuda.ok ? false : `CUDA graph executor not runnable here: ${cuda.reason}` },
];

describe('graph executor vs onnxruntime', () => {
  for (const c of graphCases()) {
    for (const { device, skip } of devices) {
      for (const precision of ['fp32', 'fp16'] as const) {
        it(`${device} ${precision}: ${c.name}`, { skip }, async (t) => {
          const [name, feed] = Object.entries(c.feeds)[0]!;
          const ort = await onnxRuntimeCpu.createSession(c.onnx, { threads: 1 });
          const ref = await ort.run({ [name]: { type: 'float32', dims: feed.dims, data: feed.data } });
          await ort.release();
          const plan = planGraph(c.onnx, { precision });
          const session = loadGraph(plan, device);
          const outs = await session.run([feed.data]);
          plan.outputs.forEach((o, j) => {
            const d = maxRelDiff(outs[j]!, ref[o.name]!.data as Float32Array);
            t.diagnostic(`${o.name}: max rel diff ${d.toExponential(2)}`);
            assert.ok(d <= TOLERANCE[precision], `${o.name}: ${d} > ${TOLERANCE[precision]}`);
          });
          // Every conv variant gives the same bits (the tensor-core tile on a GPU: FP16 tolerance).
          for (const v of [1, 2, 3, 4]) {
            const other = loadGraph(plan, device, plan.ops.map(() => v)).runSync([feed.data]);
            if (device === 'cuda' && v === 4 && precision === 'fp16') {
              other.forEach((out, j) => assert.ok(maxRelDiff(out, outs[j]!) <= TOLERANCE.fp16, `variant ${v} output ${j}`));
            } else other.forEach((out, j) => assert.deepEqual(out, outs[j], `variant ${v} output ${j}`));
          }
        });
      }
    }
  }

  it('rejects inputs of the wrong length', () => {
    const c = graphCases()[0]!;
    const session = loadGraph(planGraph(c.onnx), 'emulated');
    assert.throws(() => session.runSync([new Float32Array(3)]), /wrong length/);
  });
});
