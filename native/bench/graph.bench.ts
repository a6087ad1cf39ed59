// CenterNet on the native graph engine beside onnxruntime CPU, in one run. Here (no GPU) it
// times the CPU emulation of the CUDA kernels (FP32 and FP16) and checks their detections; on
// a GPU it prints detector frames/s at batch 1, 8, 32, 64 in FP32 and FP16 (backbone + heads
// batched; the decode tail runs per frame, see src/graph/batch-split.ts).
import { readFileSync } from 'node:fs';
import { ensureOnnxModel, onnxRuntimeCpu } from '@sightline/models';
import { cudaGraphAvailable, loadBatched, loadGraph, loadTuned, planGraph } from '../src/index.ts';
import { centernetImage } from '../src/graph/centernet-input.fixture.ts';
import { detectionParity } from '../src/graph/detection-match.ts';

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
let ref: Float32Array = new Float32Array();
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
  const p = detectionParity(out as Float32Array, ref, precision);
  console.log(`emulated CUDA bodies ${precision} (CPU): ${ms.toFixed(0)} ms/frame (${(ms / ortMs).toFixed(1)}x onnxruntime); vs onnxruntime: ${p.summary}; ${p.problems.length ? `OUT OF TOLERANCE: ${p.problems.join('; ')}` : 'within tolerance'}`);
}

// Face-attribute models (Softmax, MatMul, Min/Max, AveragePool): emulated FP32/FP16 vs onnxruntime.
for (const [id, size] of [['emotion', 64], ['faceres', 224], ['age-gender', 112]] as const) {
  const model = readFileSync(await ensureOnnxModel(id));
  const plan32 = planGraph(model);
  const inp = plan32.inputs[0]!;
  const data = new Float32Array(inp.dims.reduce((a, b) => a * b, 1));
  const rgb = centernetImage(size);
  if ('data' in rgb) for (let i = 0; i < data.length; i++) data[i] = inp.dims[3] === 1 ? rgb.data[i * 3]! / 255 : rgb.data[i]!;
  const faceOrt = await onnxRuntimeCpu.createSession(model, { threads: 2 });
  const want = await faceOrt.run({ [inp.name]: { type: 'float32', dims: inp.dims, data } });
  t0 = performance.now();
  await faceOrt.run({ [inp.name]: { type: 'float32', dims: inp.dims, data } });
  const faceOrtMs = performance.now() - t0;
  await faceOrt.release();
  for (const precision of ['fp32', 'fp16'] as const) {
    const s = loadGraph(planGraph(model, { precision }), 'emulated');
    t0 = performance.now();
    const outs = await s.run([data]);
    const ms = performance.now() - t0;
    const diffs = s.plan.outputs.map((o, j) => {
      const w = want[o.name]!.data as Float32Array;
      const scale = Math.max(1, ...Array.from(w, Math.abs));
      let d = 0;
      for (let i = 0; i < w.length; i++) d = Math.max(d, Math.abs(outs[j]![i]! - w[i]!) / scale);
      return `${o.name} ${d.toExponential(2)}`;
    });
    console.log(`${id} emulated ${precision}: ${ms.toFixed(0)} ms (onnxruntime ${faceOrtMs.toFixed(1)} ms); max rel diff ${diffs.join(', ')}`);
  }
}

const gpu = cudaGraphAvailable();
if (!gpu.ok) {
  console.log(`GPU frames/s at batch 1, 8, 32, 64 (FP32, FP16): not measured here (${gpu.reason})`);
} else {
  const cache = new URL('../../.cache/models/native-autotune.json', import.meta.url).pathname;
  for (const precision of ['fp32', 'fp16'] as const) {
    for (const batch of [1, 8, 32, 64]) {
      // Backbone + heads batched, decode tail per frame (batch-split.ts).
      const g = loadBatched(bytes, { batch, precision, device: 'cuda', load: (plan, device) => loadTuned(plan, device, cache).session });
      const frames = Array.from({ length: batch }, () => image.data);
      await g.run(frames);
      const n = 20;
      t0 = performance.now();
      for (let i = 0; i < n; i++) await g.run(frames);
      const ms = (performance.now() - t0) / n;
      console.log(`CUDA ${precision} batch ${batch}: ${((batch * 1000) / ms).toFixed(0)} frames/s (${ms.toFixed(2)} ms/batch incl. per-frame decode), ${((batch * 1000) / ms / (1000 / ortMs)).toFixed(1)}x onnxruntime CPU`);
    }
  }
}
