// CenterNet parity on a real photograph: the plan run by the CUDA kernel bodies emulated on the
// CPU (FP32 and FP16 storage, ~3 s and ~9 s on 2 cores) against onnxruntime CPU, and by the
// CUDA executor (FP32 and FP16) where a GPU is present. Detections are matched one-to-one by
// class and IoU (near-tied scores may swap ranks in FP16), errors measured on matched pairs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ensureOnnxModel, onnxRuntimeCpu } from '@sightline/models';
import { centernetImage } from './centernet-input.fixture.ts';
import { cudaGraphAvailable, loadGraph, type GraphDevice } from './graph-engine.ts';
import { planGraph } from './plan-graph.ts';
import type { Precision } from './plan-types.ts';
import { detectionParity } from './detection-match.ts';

const cuda = cudaGraphAvailable();
const runs: { device: GraphDevice; precision: Precision; skip: string | false }[] = [
  { device: 'emulated', precision: 'fp32', skip: false },
  { device: 'emulated', precision: 'fp16', skip: false },
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
      assert.ok(ref[4]! > 0.3, 'the photograph has a confident detection');
      const p = detectionParity(out as Float32Array, ref, r.precision);
      t.diagnostic(`${session.describe()}: ${p.summary}`);
      assert.deepEqual(p.problems, []);
    });
  }
});
