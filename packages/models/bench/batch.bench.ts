// Does onnxruntime on the CPU profit from batching frames of several cameras into one CenterNet
// pass? The whole detect path per frame (letterbox on the native engine, network, decode, NMS),
// through CenterNetDetector.runBatch as Scouter's inference thread runs it: single passes of the
// batch-1 graph against batched passes of 2, 3 and 4 frames (the network up to the batch cut with a
// free batch dimension, then the graph's decode tail per frame), in alternating rounds on real
// frames (PETS09 480x360 when the evaluation data is present, else 480x360 windows of
// samples.jpg), medians of per-round ratios. The machine may be shared: read the ratios.
// SIGHTLINE_BENCH_ROUNDS (default 12).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImageRgb, decodeVideoFrames } from '@sightline/media';
import type { Frame } from '@sightline/vision';
import { CenterNetDetector } from '../src/detect/centernet.detector.ts';
import { packageDir } from '../src/registry/model-cache.ts';

const ROUNDS = Number(process.env.SIGHTLINE_BENCH_ROUNDS ?? 12);
const THREADS = 2;
const repoRoot = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const pets = join(process.env.SIGHTLINE_EVAL_DATA ?? join(repoRoot, '..', 'shared', 'data'), 'video', 'pets09-s2l1.avi');
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;

const frames: Frame[] = [];
if (existsSync(pets)) {
  for await (const f of decodeVideoFrames(pets, { maxFrames: 40 })) if (f.index % 10 === 0) frames.push(f);
} else {
  const samples = `${packageDir('@vladmandic/human')}/assets/samples.jpg`;
  for (const [x, y] of [[0, 420], [400, 520], [780, 700], [200, 780]] as const) frames.push(await decodeImageRgb(samples, { crop: [x, y, 480, 360] }));
}
const detector = await CenterNetDetector.create({ scoreThreshold: 0.3, classIds: [0], threads: THREADS, backendChoice: 'onnxruntime' });
const shape = detector.passShape(frames[0]!);

/** Milliseconds per frame of the whole path for `n` frames in one pass (n = 1: the batch-1 graph). */
const msPerFrame = async (n: number) => {
  const batch = frames.slice(0, n);
  const t0 = performance.now();
  const inputs = await Promise.all(batch.map((f) => detector.prepareForBatch(f)));
  const outs = await detector.runBatch(inputs);
  outs.forEach((o, i) => detector.decode(o.raw, batch[i]!, inputs[i]!.mapping));
  return (performance.now() - t0) / n;
};
/** n frames as n single passes, per frame: the reference every batch is compared with. */
const singles = async (n: number) => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await msPerFrame(1);
  return sum / n;
};
const cases: [string, () => Promise<number>][] = [
  ['single passes', () => singles(4)],
  ['batch 2', () => msPerFrame(2)],
  ['batch 3', () => msPerFrame(3)],
  ['batch 4', () => msPerFrame(4)],
];
for (const [, run] of cases) await run();
const ms: number[][] = cases.map(() => []);
const ratios: number[][] = cases.map(() => []);
const loadAtStart = load();
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? cases.map((_, i) => i) : cases.map((_, i) => cases.length - 1 - i);
  const got: number[] = [];
  for (const i of order) got[i] = await cases[i]![1]();
  got.forEach((v, i) => {
    ms[i]!.push(v);
    ratios[i]!.push(v / got[0]!);
  });
}
console.log(`CenterNet whole detect path (letterbox, network, decode, NMS) at ${shape[1]}x${shape[0]} on ${existsSync(pets) ? 'PETS09' : 'samples.jpg'} ${frames[0]!.width}x${frames[0]!.height} frames, onnxruntime CPU, ${THREADS} threads, ${ROUNDS} alternating rounds; load average ${loadAtStart} -> ${load()}:`);
console.log('| pass | ms per frame (median) | x of single passes (median per-round ratio) | per-round ratios (min..max) |');
console.log('|---|---|---|---|');
cases.forEach(([name], i) => {
  const r = ratios[i]!;
  console.log(`| ${name} | ${median(ms[i]!).toFixed(1)} | ${median(r).toFixed(2)} | ${Math.min(...r).toFixed(2)}..${Math.max(...r).toFixed(2)} |`);
});
await detector.release();
