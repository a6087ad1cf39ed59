// One pass for detection and attributes: what attribute heads cost beside CenterNet's pass, and
// what the feature-map output costs the pass, measured side by side in one run on a real frame
// (PETS09-S2L1 frame 100 from the evaluation data when present, else the crowd photo of
// @vladmandic/human's samples.jpg). Modes, each round in a fresh order (ratios: median of per-round ratios):
//   plain      the converted CenterNet file as it is (detections its only output)
//   detect     the graph CenterNetDetector loads (the same with the feature map added as an output),
//              detections fetched: what `sightline detect` and cameras without heads run
//   +features  the same pass fetching the 128x128x128 feature map too (cameras with trained heads)
//   heads      20 person boxes ROI-aligned on that map + a trained head (linear, MLP, small conv):
//              the whole cost of heads now, against the former cost: a second CenterNet pass + heads
// Run: node --import tsx packages/models/bench/heads.bench.ts [rounds]
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImageRgb, decodeVideoFrames } from '@sightline/media';
import { getEngine, HeadNetwork, loadTrainOps, seededRandom, shuffleInPlace, type Frame } from '@sightline/native';
import { Detections } from '@sightline/vision';
import { AttributeHead, CenterNetDetector, createModelSession, ensureOnnxModel, headToOnnx, packageDir, SHARED_FEATURES } from '../src/index.ts';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const data = process.env.SIGHTLINE_EVAL_DATA ?? join(repoRoot, '..', 'shared', 'data');
const ROUNDS = Number(process.argv[2] ?? 40);
const BOXES = 20;
const threads = Number(process.env.SIGHTLINE_INFERENCE_THREADS) || availableParallelism();

async function realFrame(): Promise<{ frame: Frame; name: string }> {
  const video = join(data, 'video', 'pets09-s2l1.avi');
  if (existsSync(video)) {
    let n = 0;
    for await (const f of decodeVideoFrames(video, { maxFrames: 100 })) if (++n === 100) return { frame: f, name: `PETS09-S2L1 frame 100 (${f.width}x${f.height})` };
  }
  const f = await decodeImageRgb(join(packageDir('@vladmandic/human'), 'assets', 'samples.jpg'));
  return { frame: f, name: `samples.jpg (${f.width}x${f.height}; ${video} not found)` };
}

const { frame, name } = await realFrame();
const engine = getEngine();
const detector = await CenterNetDetector.create({ classIds: [0], threads });
console.log(`heads bench: ${name}; centernet on ${detector.backend.backend} (${threads} threads), ROI-align on ${engine.backendName}, ${ROUNDS} rounds`);

// The converted file without the added output, on the engine the same setting picks.
const { session: plain } = await createModelSession('centernet-file', readFileSync(await ensureOnnxModel('centernet')), { threads });

const [h, w] = detector.inputSize;
const input = new Float32Array(h * w * 3);
const t = engine.frameToTensorSync(frame, { width: w, height: h, letterbox: true, padValue: 0, scale: 1, layout: 'nhwc', out: input });
const mapping = { scaleX: t.scaleX, scaleY: t.scaleY, offsetX: t.offsetX, offsetY: t.offsetY };
const feeds = { [plain.inputNames[0]!]: { type: 'float32' as const, dims: [1, h, w, 3], data: input } };

// 20 person boxes: the detector's, topped up with copies shifted a few pixels when the frame has fewer.
const found = detector.decode(await detector.runNetwork(input), frame, mapping);
if (found.length === 0) throw new Error('no person found on the bench frame');
const xyxy = new Float32Array(BOXES * 4);
for (let i = 0; i < BOXES; i++) {
  const [x1, y1, x2, y2] = found.box(i % found.length);
  const dx = Math.floor(i / found.length) * 3;
  xyxy.set([Math.max(0, x1 - dx), y1, Math.min(frame.width, x2 + dx), y2], i * 4);
}
const boxes = new Detections({ xyxy, confidence: new Float32Array(BOXES).fill(1), classId: new Int32Array(BOXES) });
console.log(`boxes: ${found.length} people detected, ${BOXES - Math.min(found.length, BOXES)} shifted copies added to make ${BOXES}`);

const labels = ['dark', 'light'];
const heads: [string, AttributeHead][] = [];
for (const [kind, arch] of [
  ['linear', { kind: 'linear' }],
  ['mlp', { kind: 'mlp', hidden: 64, dropout: 0 }],
  ['conv', { kind: 'conv', filters: 16, dropout: 0 }],
] as const) {
  const net = new HeadNetwork(loadTrainOps(), { side: 4, channels: SHARED_FEATURES.channels }, labels.length, arch, 1);
  const spec = { name: kind, labels, model: `${kind}.onnx`, outputSize: 4, channels: SHARED_FEATURES.channels, featureStride: SHARED_FEATURES.featureStride };
  heads.push([kind, await AttributeHead.fromModel(spec, headToOnnx(net, kind), { threads: 1 })]);
}

const modes = ['plain', 'detect', '+features', ...heads.map(([k]) => `heads ${k}`)] as const;
const times = new Map<string, number[]>(modes.map((m) => [m, []]));
async function timed(mode: string, run: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await run();
  times.get(mode)!.push(performance.now() - t0);
}

const { features } = await detector.runNetworkWithFeatures(input);
// Warm-up: one of each, not counted.
await plain.run(feeds);
await detector.runNetwork(input);
for (const [, head] of heads) await head.apply(features, boxes, mapping);

const runs: Record<string, () => Promise<unknown>> = {
  plain: () => plain.run(feeds),
  detect: () => detector.runNetwork(input),
  '+features': () => detector.runNetworkWithFeatures(input),
  ...Object.fromEntries(heads.map(([kind, head]) => [`heads ${kind}`, () => head.apply(features, boxes, mapping)])),
};
// Each round runs the modes in a fresh seeded order, so no mode always follows the same one: a
// pass right after another pass runs slower on a CPU-quota'd, shared machine than one after a
// short head run, and a fixed order would bill that to one mode.
const random = seededRandom(7);
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of shuffleInPlace([...modes], random)) await timed(mode, runs[mode]!);
}

const median = (mode: string) => {
  const v = [...times.get(mode)!].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)]!;
};
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const best = (mode: string) => Math.min(...times.get(mode)!);
console.log('\nmode                          median ms   best ms');
for (const m of modes) console.log(`${m.padEnd(30)}${median(m).toFixed(1).padStart(9)}${best(m).toFixed(1).padStart(10)}`);
// Ratios are paired: each round's two figures were measured moments apart, so load from other
// processes (which moves whole stretches of rounds) mostly cancels; the median of those ratios is printed.
const paired = (a: string, b: string) => {
  const r = times.get(a)!.map((x, i) => x / times.get(b)![i]!).sort((x, y) => x - y);
  return r[Math.floor(r.length / 2)]!;
};
const twoPass = (kind: string) => {
  const r = times.get('+features')!.map((pass, i) => (pass + times.get(`heads ${kind}`)![i]!) / (times.get('plain')![i]! + pass + times.get(`heads ${kind}`)![i]!)).sort((x, y) => x - y);
  return r[Math.floor(r.length / 2)]!;
};
console.log('\nratios (median of per-round ratios, same frame)');
console.log(`with the added output, detections only / file as is:      ${paired('detect', 'plain').toFixed(3)}x`);
console.log(`pass fetching the feature map / detections only:         ${paired('+features', 'detect').toFixed(3)}x`);
for (const [kind] of heads) {
  console.log(`${kind} head on ${BOXES} boxes / detector pass:`.padEnd(58) + `${pct(paired(`heads ${kind}`, '+features'))}   (goal < 10%)`);
  console.log(`  frame with ${kind} head, one pass / former two passes:`.padEnd(58) + `${twoPass(kind).toFixed(3)}x`);
}

for (const [, head] of heads) await head.release();
await plain.release();
await detector.release();
