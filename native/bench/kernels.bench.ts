// Kernel timings, every available backend side by side in one run, with speed-ups over the
// TypeScript reference: frame -> tensor (1920x1080 -> 512x512 NCHW letterbox), ROI-align
// (100 boxes on a 128x128x64 map), NMS (5,000 boxes). Inputs are synthetic (seeded), so no
// dataset is needed. Run: node --import tsx native/bench/kernels.bench.ts
import { availableParallelism } from 'node:os';
import { loadAddon } from '../src/addon.ts';
import { getBackends, loadEngine } from '../src/index.ts';
import type { NativeEngine } from '../src/engine.ts';
import { randomDetections, randomFrame, randomMap } from '../src/kernel-cases.fixture.ts';

const MIN_RUNS = 5;
const BUDGET_MS = 1500;

/** Median wall time of fn in ms: warm up once, then run until MIN_RUNS and the budget are met. */
async function time(fn: () => unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < MIN_RUNS || (performance.now() - start < BUDGET_MS && samples.length < 200)) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const frame = randomFrame(1920, 1080, 'rgb24', 1);
const frameOptions = { width: 512, height: 512, letterbox: true, layout: 'nchw', padValue: 114, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;
const map = randomMap(1, 64, 128, 128, 'nchw', 2);
const roiBoxes = randomDetections(100, 3).boxes.map((v) => v / 16); // 1080p boxes on a stride-16 map
const roiOptions = { outputSize: 7, samplingRatio: 2 } as const;
const detections = randomDetections(5000, 4, 4);
const nmsOptions = { iouThreshold: 0.5, scoreThreshold: 0.05 } as const;

const kernels: { name: string; run: (e: NativeEngine) => Promise<unknown> }[] = [
  { name: 'frame->tensor 1920x1080->512x512 NCHW letterbox', run: (e) => e.frameToTensor(frame, frameOptions) },
  { name: 'roiAlign 100 boxes, 128x128x64 NCHW, 7x7', run: (e) => e.roiAlign(map, roiBoxes, roiOptions) },
  { name: 'nms 5,000 boxes (class-agnostic)', run: (e) => e.nms(detections.boxes, detections.scores, nmsOptions) },
  { name: 'nms 5,000 boxes (4 classes)', run: (e) => e.nms(detections.boxes, detections.scores, { ...nmsOptions, classIds: detections.classIds }) },
];

const backends = getBackends();
for (const b of backends.filter((x) => !x.available)) console.log(`${b.name}: not measured (${b.detail})`);
const available = backends.filter((b) => b.available).map((b) => b.name).reverse(); // ts, cpp, cuda
const engines = available.map((name) => loadEngine(name));
const addon = loadAddon();
const threads = addon.ok ? addon.addon.threads() : 0;
console.log(`CPU: ${availableParallelism()} cores; C++ threads: ${threads || 'n/a'}; inputs synthetic (no dataset needed)\n`);

const columns = [...available.map((n) => `${n} ms`), ...(addon.ok ? ['cpp 1-thread ms'] : []), ...available.filter((n) => n !== 'ts').map((n) => `${n} vs ts`)];
const rows: string[][] = [];
for (const k of kernels) {
  const ms: Record<string, number> = {};
  for (const e of engines) ms[e.backendName] = await time(() => k.run(e));
  if (addon.ok) {
    addon.addon.threads(1);
    ms['cpp1'] = await time(() => k.run(loadEngine('cpp')));
    addon.addon.threads(threads);
  }
  rows.push([
    k.name,
    ...available.map((n) => ms[n]!.toFixed(2)),
    ...(addon.ok ? [ms['cpp1']!.toFixed(2)] : []),
    ...available.filter((n) => n !== 'ts').map((n) => `${(ms['ts']! / ms[n]!).toFixed(1)}x`),
  ]);
}
const header = ['kernel (median)', ...columns];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
