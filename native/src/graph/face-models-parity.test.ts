// The converted face-attribute models (emotion, faceres, face-api age/gender) planned and run by
// the CUDA kernel bodies emulated on the CPU against onnxruntime CPU, on the photograph scaled
// to each model's input (gray 0..1 for emotion). Covers Softmax, MatMul, Min/Max, AveragePool.
// faceres in FP16 takes ~7 s emulated, so FP16 runs here for emotion and age/gender only; the
// CUDA cases run every model in both precisions where a GPU is present.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ensureOnnxModel, onnxRuntimeCpu } from '@sightline/models';
import { centernetImage } from './centernet-input.fixture.ts';
import { cudaGraphAvailable, loadGraph, type GraphDevice } from './graph-engine.ts';
import { planGraph } from './plan-graph.ts';
import type { Precision } from './plan-types.ts';

const MODELS = [
  { id: 'emotion', size: 64, gray: true, ops: ['Softmax'] },
  { id: 'faceres', size: 224, gray: false, ops: ['Softmax', 'MatMul', 'Min', 'Max'] },
  { id: 'age-gender', size: 112, gray: false, ops: ['Softmax', 'MatMul', 'AveragePool'] },
] as const;

/** Max |diff| relative to the reference's largest magnitude (floor 1), as graph-executor.test.ts. */
const TOLERANCE = { fp32: 1e-4, fp16: 2e-2 } as const;

const cuda = cudaGraphAvailable();

function input(size: number, gray: boolean): Float32Array | string {
  const image = centernetImage(size);
  if (!('data' in image)) return image.skip;
  if (!gray) return image.data;
  const out = new Float32Array(size * size);
  for (let i = 0; i < out.length; i++) out[i] = (0.299 * image.data[i * 3]! + 0.587 * image.data[i * 3 + 1]! + 0.114 * image.data[i * 3 + 2]!) / 255;
  return out;
}

describe('face-attribute models: native plan vs onnxruntime CPU', () => {
  for (const m of MODELS) {
    const runs: { device: GraphDevice; precision: Precision; skip: string | false }[] = [
      { device: 'emulated', precision: 'fp32', skip: false },
      { device: 'emulated', precision: 'fp16', skip: m.id === 'faceres' ? 'faceres FP16 emulation (~7 s) runs in native/bench/graph.bench.ts' : false },
      { device: 'cuda', precision: 'fp32', skip: cuda.ok ? false : cuda.reason },
      { device: 'cuda', precision: 'fp16', skip: cuda.ok ? false : cuda.reason },
    ];
    for (const r of runs) {
      it(`${m.id} ${r.device} ${r.precision}`, { skip: r.skip }, async (t) => {
        const data = input(m.size, m.gray);
        if (typeof data === 'string') return t.skip(data);
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(await ensureOnnxModel(m.id));
        } catch (err) {
          return t.skip(`${m.id} ONNX unavailable: ${(err as Error).message}`);
        }
        const plan = planGraph(bytes, { precision: r.precision });
        for (const op of m.ops) assert.ok((plan.stats.opCounts[op] ?? 0) > 0, `${m.id} plans ${op}`);
        const name = plan.inputs[0]!.name;
        const ort = await onnxRuntimeCpu.createSession(bytes, { threads: 2 });
        const ref = await ort.run({ [name]: { type: 'float32', dims: plan.inputs[0]!.dims, data } });
        await ort.release();
        const outs = await loadGraph(plan, r.device).run([data]);
        plan.outputs.forEach((o, j) => {
          const want = ref[o.name]!.data as Float32Array;
          let scale = 1;
          for (const v of want) scale = Math.max(scale, Math.abs(v));
          let diff = 0;
          for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(outs[j]![i]! - want[i]!) / scale);
          t.diagnostic(`${o.name} [${o.dims.join(',')}]: max rel diff ${diff.toExponential(2)}`);
          assert.ok(diff <= TOLERANCE[r.precision], `${o.name}: ${diff} > ${TOLERANCE[r.precision]}`);
        });
      });
    }
  }
});
