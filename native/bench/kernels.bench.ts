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

type Kernel = { name: string; sync: (e: NativeEngine) => unknown; async: (e: NativeEngine) => Promise<unknown> };
const kernels: Kernel[] = [
  {
    name: 'frame->tensor 1920x1080->512x512 NCHW letterbox',
    sync: (e) => e.frameToTensorSync(frame, frameOptions),
    async: (e) => e.frameToTensor(frame, frameOptions),
  },
  {
    name: 'roiAlign 100 boxes, 128x128x64 NCHW, 7x7',
    sync: (e) => e.roiAlignSync(map, roiBoxes, roiOptions),
    async: (e) => e.roiAlign(map, roiBoxes, roiOptions),
  },
  {
    name: 'nms 5,000 boxes (class-agnostic)',
    sync: (e) => e.nmsSync(detections.boxes, detections.scores, nmsOptions),
    async: (e) => e.nms(detections.boxes, detections.scores, nmsOptions),
  },
  {
    name: 'nms 5,000 boxes (4 classes)',
    sync: (e) => e.nmsSync(detections.boxes, detections.scores, { ...nmsOptions, classIds: detections.classIds }),
    async: (e) => e.nms(detections.boxes, detections.scores, { ...nmsOptions, classIds: detections.classIds }),
  },
];

const backends = getBackends();
for (const b of backends.filter((x) => !x.available)) console.log(`${b.name}: not measured (${b.detail})`);
const engines = new Map(backends.filter((b) => b.available).map((b) => [b.name, loadEngine(b.name)] as const));
const addon = loadAddon();
const threads = addon.ok ? addon.addon.threads() : 0;
console.log(`CPU: ${availableParallelism()} cores; C++ threads: ${threads || 'n/a'}; inputs synthetic (no dataset needed)`);
console.log('Times include argument checks and output allocation; "async" is the Promise API (libuv pool hop).\n');

// Columns: each measured variant, then speed-ups of the native ones over ts (sync).
type Variant = { label: string; measure: (k: Kernel) => Promise<number> };
const variants: Variant[] = [{ label: 'ts', measure: (k) => time(() => k.sync(engines.get('ts')!)) }];
const cpp = engines.get('cpp');
if (cpp) {
  variants.push(
    { label: 'cpp', measure: (k) => time(() => k.sync(cpp)) },
    {
      label: 'cpp 1 thread',
      measure: async (k) => {
        if (addon.ok) addon.addon.threads(1);
        try {
          return await time(() => k.sync(cpp));
        } finally {
          if (addon.ok) addon.addon.threads(threads);
        }
      },
    },
    { label: 'cpp async', measure: (k) => time(() => k.async(cpp)) },
  );
}
const cuda = engines.get('cuda');
if (cuda) variants.push({ label: 'cuda', measure: (k) => time(() => k.sync(cuda)) });
const speedups = variants.filter((v) => v.label === 'cpp' || v.label === 'cuda').map((v) => v.label);

const rows: string[][] = [];
for (const k of kernels) {
  const ms = new Map<string, number>();
  for (const v of variants) ms.set(v.label, await v.measure(k));
  const ts = ms.get('ts')!;
  rows.push([k.name, ...variants.map((v) => ms.get(v.label)!.toFixed(2)), ...speedups.map((l) => `${(ts / ms.get(l)!).toFixed(1)}x`)]);
}
const header = ['kernel (median ms)', ...variants.map((v) => v.label), ...speedups.map((l) => `${l} vs ts`)];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
