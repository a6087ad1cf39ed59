// Batching across cameras in Scouter's inference thread on the CPU: two threads in one run, one
// with SIGHTLINE_BATCH=on (frames of the cameras gathered into one CenterNet pass per input shape,
// up to 4 frames, 5 ms wait) and one with it off (single passes), used in alternating rounds:
// 1. saturated: 3 and 4 cameras each sending its next frame as soon as the last came back (the
//    whole detect path: transfer, letterbox, network, decode, NMS, transfer back), ms per frame;
// 2. paced: 3 and 4 cameras at 10 fps each; a camera whose last frame is still in the thread drops
//    its next one (as the latest-frame slot does): frames/s per camera, dropped, answer latency.
// PETS09 480x360 frames when the evaluation data is present, else 480x360 windows of samples.jpg.
// SCOUTER_BENCH_ROUNDS (default 3), SCOUTER_BENCH_SECONDS (default 6) per paced row.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { decodeImageRgb, decodeVideoFrames } from '@sightline/media';
import type { VideoFrame } from '@sightline/vision';
import { InferenceThread } from '../src/pipeline/inference-thread.ts';
import { petsVideo, samplesJpg } from '../test-support/clip-fixture.ts';

const ROUNDS = Number(process.env.SCOUTER_BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.SCOUTER_BENCH_SECONDS ?? 6);
const THREADS = 2;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] ?? Number.NaN;
const quantile = (v: readonly number[], q: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))] ?? Number.NaN;

const frames: VideoFrame[] = [];
if (existsSync(petsVideo)) {
  for await (const f of decodeVideoFrames(petsVideo, { maxFrames: 80 })) frames.push(f);
} else {
  for (let i = 0; i < 40; i++) {
    const rgb = await decodeImageRgb(samplesJpg, { crop: [(i * 17) % 800, 420 + ((i * 13) % 300), 480, 360] });
    frames.push({ ...rgb, format: 'rgb24', index: i, ptsMs: i * 100 } as VideoFrame);
  }
}
const frameOf = (camera: number, k: number): VideoFrame => {
  const f = frames[(camera * 17 + k) % frames.length]!;
  return { ...f, data: f.data.slice() };
};

async function threadWith(batch: 'on' | 'off'): Promise<InferenceThread> {
  const saved = process.env.SIGHTLINE_BATCH;
  process.env.SIGHTLINE_BATCH = batch;
  const thread = new InferenceThread();
  if (saved === undefined) delete process.env.SIGHTLINE_BATCH;
  else process.env.SIGHTLINE_BATCH = saved;
  for (let c = 0; c < 4; c++) await thread.loadDetector(`cam${c}`, { model: 'centernet', scoreThreshold: 0.3, threads: THREADS, classIds: [0] });
  return thread;
}

/** `cameras` lanes each sending its next frame when the last came back; ms per frame over all. */
async function saturated(thread: InferenceThread, cameras: number, perCamera: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: cameras }, async (_, c) => {
      for (let k = 0; k < perCamera; k++) await thread.detect(`cam${c}`, frameOf(c, k));
    }),
  );
  return (performance.now() - t0) / (cameras * perCamera);
}

/** `cameras` at 10 fps for `seconds`: frames/s per camera, dropped fraction, answer latencies. */
async function paced(thread: InferenceThread, cameras: number, seconds: number): Promise<{ fps: number; dropped: number; latencyMs: number[] }> {
  const latencyMs: number[] = [];
  let sent = 0;
  let dropped = 0;
  const busy = new Array<boolean>(cameras).fill(false);
  const inFlight: Promise<unknown>[] = [];
  const ticks = seconds * 10;
  const t0 = performance.now();
  for (let k = 0; k < ticks; k++) {
    // Each camera's frame k is due at k * 100 ms (cameras offset by 100 / cameras ms, as streams are).
    for (let c = 0; c < cameras; c++) {
      const due = t0 + k * 100 + (c * 100) / cameras;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (busy[c]) {
        dropped++;
        continue;
      }
      busy[c] = true;
      sent++;
      const start = performance.now();
      inFlight.push(
        thread.detect(`cam${c}`, frameOf(c, k)).then(() => {
          latencyMs.push(performance.now() - start);
          busy[c] = false;
        }),
      );
    }
  }
  await Promise.all(inFlight);
  return { fps: sent / seconds / cameras, dropped: dropped / (sent + dropped), latencyMs };
}

const threads = { on: await threadWith('on'), off: await threadWith('off') };
const modes = ['off', 'on'] as const;
// Warm both (sessions per shape, batched sessions).
for (const m of modes) await saturated(threads[m], 4, 2);
console.log(`Batching across cameras in the inference thread, CenterNet on ${existsSync(petsVideo) ? 'PETS09' : 'samples.jpg'} 480x360 frames, onnxruntime CPU ${THREADS} threads, ${ROUNDS} alternating rounds; load average at start ${load()}`);

const sat: Record<string, { on: number[]; off: number[]; ratio: number[] }> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const cameras of [3, 4]) {
    const row = (sat[cameras] ??= { on: [], off: [], ratio: [] });
    const order = round % 2 === 0 ? modes : [...modes].reverse();
    for (const m of order) row[m].push(await saturated(threads[m], cameras, 8));
    row.ratio.push(row.on.at(-1)! / row.off.at(-1)!);
  }
}
console.log('\n1. saturated (each camera sends its next frame when the last came back), ms per frame over all cameras:');
console.log('| cameras | single passes (off) | batching on | on / off (median per-round ratio, min..max) |');
console.log('|---|---|---|---|');
for (const [cameras, r] of Object.entries(sat)) {
  console.log(`| ${cameras} | ${median(r.off).toFixed(1)} | ${median(r.on).toFixed(1)} | ${median(r.ratio).toFixed(2)} (${Math.min(...r.ratio).toFixed(2)}..${Math.max(...r.ratio).toFixed(2)}) |`);
}

console.log(`\n2. paced at 10 fps per camera, ${SECONDS} s per row (a busy camera drops its next frame):`);
console.log('| cameras | mode | fps per camera | dropped | latency p50 / p95 ms | passes by batch size |');
console.log('|---|---|---|---|---|---|');
for (const cameras of [3, 4]) {
  for (const m of modes) {
    const before = (await threads[m].batches()).centernet?.passesBySize ?? {};
    const r = await paced(threads[m], cameras, SECONDS);
    const after = (await threads[m].batches()).centernet?.passesBySize ?? {};
    const sizes = Object.entries(after).map(([n, c]) => `${n}: ${c - (before[Number(n)] ?? 0)}`).join(', ');
    console.log(`| ${cameras} | ${m} | ${r.fps.toFixed(1)} | ${(r.dropped * 100).toFixed(1)}% | ${median(r.latencyMs).toFixed(0)} / ${quantile(r.latencyMs, 0.95).toFixed(0)} | ${m === 'on' ? sizes : 'all 1'} |`);
  }
}
console.log(`load average at end ${load()}`);
await threads.on.close();
await threads.off.close();
