// Attribute-head training on mot17-mini (real MOT17 frames, ground-truth pedestrians): (1) the
// feature cache: CenterNet (with its feature map) + ROI-align per frame, computed then read back from the cache;
// (2) training throughput (boxes/s) and time to the validation plateau for a linear and an MLP head,
// on the C++ kernels beside the TypeScript reference in one run. The attribute is the one of the
// "done when" test: each track's upper body dark or light, measured on the pixels (40th/60th
// percentile cut), split by track. Reads ../shared/data (or SIGHTLINE_EVAL_DATA).
// Run: node --import tsx packages/models/bench/training.bench.ts [epochs]
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImageRgb } from '@sightline/media';
import { loadTrainOps, seededRandom, shuffleInPlace, type HeadArchitecture, type TrainOps } from '@sightline/native';
import { motRowXyxy, parseMot } from '@sightline/vision';
import { buildFeatureCache, CenterNetDetector, trainHead, type FeatureSet, type FrameBoxes } from '../src/index.ts';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const data = process.env.SIGHTLINE_EVAL_DATA ?? join(repoRoot, '..', 'shared', 'data');
const EPOCHS = Number(process.argv[2] ?? 40);
const seqs = ['MOT17-02-FRCNN', 'MOT17-04-FRCNN'].map((s) => join(data, 'mot17-mini', 'train', s));
if (!seqs.every((s) => existsSync(join(s, 'gt', 'gt.txt')))) {
  console.log(`training bench: skipped, mot17-mini not found under ${data} (set SIGHTLINE_EVAL_DATA)`);
  process.exit(0);
}

const frames: (FrameBoxes & { tracks: string[]; lumas: number[] })[] = [];
for (const seq of seqs) {
  const files = readdirSync(join(seq, 'img1')).filter((f) => f.endsWith('.jpg')).sort();
  const gt = parseMot(readFileSync(join(seq, 'gt', 'gt.txt'), 'utf8'), 'gt.txt').filter((r) => r.conf === 1 && r.xOrClass === 1 && r.yOrVisibility >= 0.6 && r.h >= 80);
  for (const [i, file] of files.entries()) {
    const img = await decodeImageRgb(join(seq, 'img1', file));
    const rows = gt.filter((r) => r.frame === i + 1);
    const boxes = rows.map((r) => motRowXyxy(r).map((v, k) => Math.max(0, Math.min(v, k % 2 ? img.height : img.width))));
    const lumas = boxes.map(([x1, y1, x2, y2]) => {
      let sum = 0, n = 0;
      for (let y = Math.round(y1! + 0.2 * (y2! - y1!)); y < Math.round(y1! + 0.5 * (y2! - y1!)); y++)
        for (let x = Math.round(x1! + 0.25 * (x2! - x1!)); x < Math.round(x1! + 0.75 * (x2! - x1!)); x++) {
          const o = (y * img.width + x) * 3;
          sum += 0.299 * img.data[o]! + 0.587 * img.data[o + 1]! + 0.114 * img.data[o + 2]!;
          n++;
        }
      return sum / n;
    });
    frames.push({ imagePath: join(seq, 'img1', file), boxesXyxy: Float32Array.from(boxes.flat()), tracks: rows.map((r) => `${seq}:${r.id}`), lumas });
  }
}

const cacheDir = mkdtempSync(join(tmpdir(), 'sightline-train-bench-'));
const detector = await CenterNetDetector.create({ threads: 2 });
const roiSize = 4;
let started = performance.now();
const cache = await buildFeatureCache(detector, frames, { roiSize, cacheDir, loadFrame: (p) => decodeImageRgb(p) });
const buildS = (performance.now() - started) / 1000;
started = performance.now();
const again = await buildFeatureCache(detector, frames, { roiSize, cacheDir, loadFrame: (p) => decodeImageRgb(p) });
const readS = (performance.now() - started) / 1000;
rmSync(cacheDir, { recursive: true, force: true });
const boxes = frames.reduce((a, f) => a + f.tracks.length, 0);
console.log(`feature cache: ${frames.length} frames (1920x1080), ${boxes} boxes, ROI ${roiSize}x${roiSize}x${cache.channels}`);
console.log(`  computed: ${(buildS * 1000 / frames.length).toFixed(0)} ms/frame (decode + network + ROI-align); from cache: ${(readS * 1000 / frames.length).toFixed(1)} ms/frame (${again.computedFrames} recomputed), ${(buildS / readS).toFixed(0)}x`);

// Track-level labels: the track's mean upper-body luma, cut at the 40th/60th percentile.
const trackLuma = new Map<string, number[]>();
frames.forEach((f) => f.tracks.forEach((t, i) => trackLuma.set(t, [...(trackLuma.get(t) ?? []), f.lumas[i]!])));
const mean = new Map([...trackLuma].map(([t, l]) => [t, l.reduce((a, b) => a + b, 0) / l.length]));
const sorted = [...mean.values()].sort((a, b) => a - b);
const lo = sorted[Math.floor(sorted.length * 0.4)]!, hi = sorted[Math.floor(sorted.length * 0.6)]!;
const d = roiSize * roiSize * cache.channels;
const samples: { x: Float32Array; label: number; track: string }[] = [];
frames.forEach((f, fi) => f.tracks.forEach((t, k) => {
  const l = mean.get(t)!;
  if (l > lo && l < hi) return;
  samples.push({ x: cache.perFrame[fi]!.subarray(k * d, (k + 1) * d), label: l <= lo ? 0 : 1, track: t });
}));
const tracks = shuffleInPlace([...new Set(samples.map((s) => s.track))].sort(), seededRandom(1));
const valTracks = new Set(tracks.slice(0, Math.round(tracks.length * 0.3)));
const set = (list: typeof samples): FeatureSet => ({ features: Float32Array.from(list.flatMap((s) => Array.from(s.x))), labels: Int32Array.from(list, (s) => s.label), boxIds: list.map((_, i) => String(i)), d });
const train = set(samples.filter((s) => !valTracks.has(s.track)));
const validation = set(samples.filter((s) => valTracks.has(s.track)));
console.log(`dataset: ${train.labels.length} training boxes, ${validation.labels.length} validation boxes (split by track), ${EPOCHS} epochs, batch 32, Adam lr 1e-3`);

const backends: TrainOps[] = [loadTrainOps('ts')];
try {
  backends.unshift(loadTrainOps('cpp'));
} catch (err) {
  console.log(`cpp: ${(err as Error).message}`);
}
const heads: [string, HeadArchitecture][] = [['linear', { kind: 'linear' }], ['mlp(64)', { kind: 'mlp', hidden: 64, dropout: 0.2 }]];
for (const [name, architecture] of heads) {
  const rates: number[] = [];
  for (const ops of backends) {
    const t0 = performance.now();
    let elapsed = 0;
    const times: number[] = [];
    const r = await trainHead({ ops, input: { side: roiSize, channels: cache.channels }, labels: ['dark', 'light'], train, validation, architecture, optimizer: { kind: 'adam', lr: 1e-3, weightDecay: 1e-3 }, epochs: EPOCHS, batchSize: 32, seed: 1, classWeighting: 'balanced', onEpoch: () => void times.push((elapsed = (performance.now() - t0) / 1000)) });
    const best = Math.max(...r.epochs.map((e) => e.valAccuracy));
    // Plateau: the first epoch within one point of the best validation accuracy.
    const plateau = r.epochs.find((e) => e.valAccuracy >= best - 0.01)!;
    rates.push(r.metrics.boxesPerSecond);
    console.log(`${name.padEnd(8)} ${ops.backendName.padEnd(4)} ${r.metrics.boxesPerSecond.toFixed(0).padStart(7)} boxes/s (forward+backward+step) | plateau at epoch ${plateau.epoch} after ${times[plateau.epoch - 1]!.toFixed(2)} s (val ${(plateau.valAccuracy * 100).toFixed(1)}%, best ${(best * 100).toFixed(1)}%, majority ${(r.metrics.majorityAccuracy * 100).toFixed(1)}%) | ${elapsed.toFixed(2)} s total with evaluation`);
  }
  if (rates.length === 2) console.log(`${name.padEnd(8)} cpp/ts throughput: ${(rates[0]! / rates[1]!).toFixed(1)}x`);
}
