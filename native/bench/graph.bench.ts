// CenterNet on the native graph engine beside onnxruntime CPU, in one run. Here (no GPU) it
// times the CPU emulation of the CUDA kernels (FP32 and FP16) and checks their detections; on
// a GPU it prints detector frames/s at batch 1, 8, 32, 64 in FP32 and FP16 (backbone + heads
// batched; the decode tail runs per frame).
import { readFileSync } from 'node:fs';
import { ensureOnnxModel, onnxRuntimeCpu } from '@sightline/models';
import { cudaGraphAvailable, loadGraph, loadTuned, planGraph } from '../src/index.ts';
import { centernetImage } from '../src/graph/centernet-input.fixture.ts';

function compareDetections(a: Float32Array, b: Float32Array): { boxPx: number; score: number; classMismatch: number } {
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

const image = centernetImage();
if (!('data' in image)) {
  console.log(`graph bench skipped: ${image.skip}`);
  process.exit(0);
}
const bytes = readFileSync(await ensureOnnxModel('centernet'));
const feeds = { 'tower_0/images': { type: 'float32' as const, dims: [1, 512, 512, 3], data: image.data } };
const ort = await onnxRuntimeCpu.createSession(bytes, { threads: 2 });
await ort.run(feeds);
const reps = 5;
let t0 = performance.now();
let ref = new Float32Array();
for (let i = 0; i < reps; i++) ref = (await ort.run(feeds))['tower_0/detections']!.data as Float32Array;
const ortMs = (performance.now() - t0) / reps;
console.log(`centernet 512x512, ${image.source}`);
console.log(`onnxruntime CPU (2 threads): ${ortMs.toFixed(1)} ms/frame, ${(1000 / ortMs).toFixed(1)} frames/s`);

const stats = planGraph(bytes).stats;
console.log(`plan: ${stats.sourceNodes} nodes -> ${stats.ops} ops, arena ${(stats.arenaBytes / 2 ** 20).toFixed(1)} MiB vs ${(stats.sumTensorBytes / 2 ** 20).toFixed(1)} MiB summed`);
for (const precision of ['fp32', 'fp16'] as const) {
  const session = loadGraph(planGraph(bytes, { precision }), 'emulated');
  t0 = performance.now();
  const [out] = await session.run([image.data]);
  const ms = performance.now() - t0;
  const d = compareDetections((out as Float32Array).subarray(0, 120), ref.subarray(0, 120));
  console.log(`emulated CUDA bodies ${precision} (CPU): ${ms.toFixed(0)} ms/frame (${(ms / ortMs).toFixed(1)}x onnxruntime); top-20 vs onnxruntime: box ${d.boxPx.toExponential(2)} px, score ${d.score.toExponential(2)}, class mismatches ${d.classMismatch}`);
}

const gpu = cudaGraphAvailable();
if (!gpu.ok) {
  console.log(`GPU frames/s at batch 1, 8, 32, 64 (FP32, FP16): not measured here (${gpu.reason})`);
} else {
  for (const precision of ['fp32', 'fp16'] as const) {
    for (const batch of [1, 8, 32, 64]) {
      const outputs = batch === 1 ? undefined : ['tower_0/keypoints', 'tower_0/wh'];
      const plan = planGraph(bytes, { precision, batch, ...(outputs ? { outputs } : {}) });
      const { session } = loadTuned(plan, 'cuda', new URL('../../.cache/models/native-autotune.json', import.meta.url).pathname);
      const input = new Float32Array(batch * 512 * 512 * 3);
      for (let b = 0; b < batch; b++) input.set(image.data, b * image.data.length);
      session.runSync([input]);
      const n = 20;
      t0 = performance.now();
      for (let i = 0; i < n; i++) session.runSync([input]);
      const ms = (performance.now() - t0) / n;
      console.log(`CUDA ${precision} batch ${batch}: ${((batch * 1000) / ms).toFixed(0)} frames/s (${ms.toFixed(2)} ms/batch), ${((batch * 1000) / ms / (1000 / ortMs)).toFixed(1)}x onnxruntime CPU`);
    }
  }
}
