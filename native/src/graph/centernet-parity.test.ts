// CenterNet parity on a real photograph: the plan run by the CUDA kernel bodies emulated on the
// CPU (FP32) against onnxruntime CPU, and by the CUDA executor (FP32 and FP16) where a GPU is
// present. The emulated FP16 run of the full model takes ~20 s on 2 cores, so it lives in
// native/bench/graph.bench.ts; the FP16 kernels are covered here by the small graphs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ensureOnnxModel, onnxRuntimeCpu } from '@sightline/models';
import { centernetImage } from './centernet-input.fixture.ts';
import { cudaGraphAvailable, loadGraph, type GraphDevice } from './graph-engine.ts';
import { planGraph } from './plan-graph.ts';
import type { Precision } from './plan-types.ts';

/** Detections [100, 6]: box corners in input pixels, score, class. */
export const DETECTION_TOLERANCE = {
  fp32: { boxPx: 0.01, score: 1e-5 },
  fp16: { boxPx: 1.0, score: 2e-3 },
} as const;

/** Largest box and score differences over the detections both runs rank in the same order. */
export function compareDetections(a: Float32Array, b: Float32Array): { boxPx: number; score: number; classMismatch: number } {
  let boxPx = 0;
  let score = 0;
  let classMismatch = 0;
  for (let i = 0; i < a.length / 6; i++) {
    for (let k = 0; k < 4; k++) boxPx = Math.max(boxPx, Math.abs(a[i * 6 + k]! - b[i * 6 + k]!));
    score = Math.max(score, Math.abs(a[i * 6 + 4]! - b[i * 6 + 4]!));
    if (a[i * 6 + 5] !== b[i * 6 + 5]) classMismatch++;
  }
  return { boxPx, score, classMismatch };
}

const cuda = cudaGraphAvailable();
const runs: { device: GraphDevice; precision: Precision; skip: string | false }[] = [
  { device: 'emulated', precision: 'fp32', skip: false },
  { device: 'cuda', precision: 'fp32', skip: cuda.ok ? false : cuda.reason },
  { device: 'cuda', precision: 'fp16', skip: cuda.ok ? false : cuda.reason },
];

describe('CenterNet: native plan vs onnxruntime CPU', () => {
  for (const r of runs) {
    it(`${r.device} ${r.precision}`, { skip: r.skip }, async (t) => {
      const image = centernetImage();
      if (!('data' in image)) return t.skip(image.skip);
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(await ensureOnnxModel('centernet'));
      } catch (err) {
        return t.skip(`centernet ONNX unavailable: ${(err as Error).message}`);
      }
      const ort = await onnxRuntimeCpu.createSession(bytes, { threads: 2 });
      const ref = (await ort.run({ 'tower_0/images': { type: 'float32', dims: [1, 512, 512, 3], data: image.data } }))['tower_0/detections']!.data as Float32Array;
      await ort.release();
      const session = loadGraph(planGraph(bytes, { precision: r.precision }), r.device);
      const [out] = await session.run([image.data]);
      const d = compareDetections(out as Float32Array, ref);
      t.diagnostic(`${session.describe()}: max box diff ${d.boxPx.toExponential(2)} px, score ${d.score.toExponential(2)}, class mismatches ${d.classMismatch}/100`);
      assert.ok(ref[4]! > 0.3, 'the photograph has a confident detection');
      const tol = DETECTION_TOLERANCE[r.precision];
      // Near-tied scores may swap ranks in FP16: compare the top 20 there, all 100 in FP32.
      const n = r.precision === 'fp16' ? 20 : 100;
      const top = compareDetections((out as Float32Array).subarray(0, n * 6), ref.subarray(0, n * 6));
      assert.ok(top.boxPx <= tol.boxPx, `box diff ${top.boxPx} px > ${tol.boxPx}`);
      assert.ok(top.score <= tol.score, `score diff ${top.score} > ${tol.score}`);
      assert.equal(top.classMismatch, 0);
    });
  }
});
