// Does onnxruntime on the CPU profit from batching frames of several cameras into one CenterNet
// pass? The graph is frozen at batch 1 and its in-graph top-k decode is not batch-correct, so this
// times the network up to its head outputs (heat map and box sizes, what a batched path would run
// before a per-frame decode): the frozen batch-1 graph vs the same graph with a free batch
// dimension at batch 1, 2 and 4, per frame, in alternating rounds (medians of per-round ratios).
import * as ort from 'onnxruntime-node';
import { centernetForInput } from '../src/convert/centernet-input.ts';
import { readTfjsGraphModel } from '../src/convert/tfjs-model.ts';
import { convertTfjsToOnnx } from '../src/convert/tfjs-to-onnx.ts';
import { sourceModelPath } from '../src/registry/model-cache.ts';
import { modelCard } from '../src/registry/model-cards.ts';

const ROUNDS = Number(process.env.SIGHTLINE_BENCH_ROUNDS ?? 12);
const THREADS = 2;
const [H, W] = [384, 512];
const model = readTfjsGraphModel(sourceModelPath(modelCard('centernet')));
const heads = ['tower_0/keypoints', 'tower_0/wh'];
const options = { intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const };
const fixed = await ort.InferenceSession.create(convertTfjsToOnnx(centernetForInput(model, [H, W]), { outputs: heads }).onnx, options);
const free = await ort.InferenceSession.create(convertTfjsToOnnx(centernetForInput(model, [H, W], { batch: 'dynamic' }), { outputs: heads }).onnx, options);

const input = (n: number) => {
  const data = new Float32Array(n * H * W * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 255;
  return new ort.Tensor('float32', data, [n, H, W, 3]);
};
const msPerFrame = async (session: ort.InferenceSession, n: number) => {
  const x = input(n);
  const t0 = performance.now();
  await session.run({ 'tower_0/images': x });
  return (performance.now() - t0) / n;
};
const cases: [string, () => Promise<number>][] = [
  ['batch 1, frozen graph', () => msPerFrame(fixed, 1)],
  ['batch 1, free batch dim', () => msPerFrame(free, 1)],
  ['batch 2', () => msPerFrame(free, 2)],
  ['batch 4', () => msPerFrame(free, 4)],
];
for (const [, run] of cases) await run();
const ms: number[][] = cases.map(() => []);
const ratios: number[][] = cases.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? cases.map((_, i) => i) : cases.map((_, i) => cases.length - 1 - i);
  const got: number[] = [];
  for (const i of order) got[i] = await cases[i]![1]();
  got.forEach((v, i) => {
    ms[i]!.push(v);
    ratios[i]!.push(v / got[0]!);
  });
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
console.log(`CenterNet ${W}x${H} up to its head outputs, onnxruntime CPU, ${THREADS} threads, ${ROUNDS} alternating rounds:`);
console.log('| batch | ms per frame (median) | x of batch 1 frozen (median per-round ratio) |');
console.log('|---|---|---|');
cases.forEach(([name], i) => console.log(`| ${name} | ${median(ms[i]!).toFixed(1)} | ${median(ratios[i]!).toFixed(2)} |`));
await fixed.release();
await free.release();
