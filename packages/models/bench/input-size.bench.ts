// CenterNet's input shape against the source: the model card's 512x512 (a 4:3 frame letterboxed,
// a quarter of the input padding) versus `inputSize: 'source'` (the detector's default, shaped to
// the frame's aspect: 480x352 for PETS09's 480x360, 640x384 for 1080p). Both run on the same decoded frames, alternating
// which goes first, so machine load falls on both alike. Accuracy on the PETS09-S2L1 dev stretch
// (frames 1-400, ground truth scaled by 0.625): the detector alone (recall and precision at IoU 0.5)
// and the default tracker on its boxes (MOTA, IDF1). Needs the evaluation data (SIGHTLINE_EVAL_DATA,
// default <repo>/../shared/data); skips without it. SIGHTLINE_BENCH_FRAMES shortens the stretch.
// Then the same two on mot17-mini's 1920x1080 street frames (16:9: 'source' runs at 640x384):
// person precision and recall at score 0.3 and AP@0.5, as bench/detector.bench.ts scores them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImageRgb, decodeVideoFrames } from '@sightline/media';
import { ByteTracker, detectionsToMotRows, evaluateSequence, motMetrics, parseMot, trackedRows, type Detections, type MotRow } from '@sightline/vision';
import { CenterNetDetector, modelCard, scoreDetections, type EvalFrame } from '../src/index.ts';
import { mot17Images } from './mot17-mini.fixture.ts';

const dataRoot = process.env.SIGHTLINE_EVAL_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const video = join(dataRoot, 'video', 'pets09-s2l1.avi');
const gtFile = join(dataRoot, 'pets09-dev', 'gt-frames-1-400.txt');
if (!existsSync(video) || !existsSync(gtFile)) {
  console.log(`Evaluation data not found at ${dataRoot} (set SIGHTLINE_EVAL_DATA): CenterNet input-size benchmark skipped.`);
  process.exit(0);
}
const FRAMES = Math.min(400, Number(process.env.SIGHTLINE_BENCH_FRAMES ?? 400));
const gt = parseMot(readFileSync(gtFile, 'utf8'))
  .filter((r) => r.frame <= FRAMES)
  .map((r) => ({ ...r, x: r.x * 0.625, y: r.y * 0.625, w: r.w * 0.625, h: r.h * 0.625 }));

const variants = [
  { name: '512x512 letterboxed (card)', detector: await CenterNetDetector.create({ classIds: [0], scoreThreshold: 0.3, threads: 2, inputSize: [512, 512] }) },
  { name: 'shaped to the source', detector: await CenterNetDetector.create({ classIds: [0], scoreThreshold: 0.3, threads: 2, inputSize: 'source' }) },
];
const perFrame = variants.map(() => [] as Detections[]);
const ms = variants.map(() => [] as number[]);
let k = 0;
for await (const frame of decodeVideoFrames(video, { maxFrames: FRAMES })) {
  // Warm each shape's session on the first frame (conversion and first-run planning are not timed).
  if (k === 0) for (const v of variants) await v.detector.detect(frame);
  const order = k % 2 === 0 ? [0, 1] : [1, 0];
  for (const i of order) {
    const t0 = performance.now();
    perFrame[i]!.push(await variants[i]!.detector.detect(frame));
    ms[i]!.push(performance.now() - t0);
  }
  k++;
}

const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] ?? Number.NaN;
const base = median(ms[0]!);
const sample = variants[1]!.detector.shapeFor({ width: 480, height: 360 });
console.log(`CenterNet input shape on PETS09-S2L1 frames 1-${k} (480x360); 'source' runs at ${sample[1]}x${sample[0]}; detect() per frame (letterbox + network + decode + NMS), medians:`);
console.log('| input | ms/frame | x of 512x512 | det recall@0.3 | det precision@0.3 | det recall@0.5 | MOTA | IDF1 |');
console.log('|---|---|---|---|---|---|---|---|');
variants.forEach((v, i) => {
  const rows: MotRow[] = perFrame[i]!.flatMap((d, f) => detectionsToMotRows(f + 1, d));
  const alone = (s: number) => motMetrics(evaluateSequence(gt, rows.filter((r) => r.conf >= s).map((r, n) => ({ ...r, id: n + 1 })), 'mot15'));
  const tracked = trackedRows(new ByteTracker({ frameRate: 10, ...modelCard('centernet').trackerScores }), perFrame[i]!);
  const m = motMetrics(evaluateSequence(gt, tracked, 'mot15'));
  const a3 = alone(0.3);
  console.log(`| ${v.name} | ${median(ms[i]!).toFixed(1)} | ${(median(ms[i]!) / base).toFixed(2)} | ${a3.Recall.toFixed(3)} | ${a3.Precision.toFixed(3)} | ${alone(0.5).Recall.toFixed(3)} | ${m.MOTA.toFixed(3)} | ${m.IDF1.toFixed(3)} |`);
});

const mot17 = join(dataRoot, 'mot17-mini', 'train');
if (existsSync(mot17)) {
  const perVariant = variants.map(() => ({ frames: [] as EvalFrame[], ms: [] as number[] }));
  for (const image of mot17Images(mot17)) {
    const img = await decodeImageRgb(image.path);
    for (const [i, v] of variants.entries()) {
      const t0 = performance.now();
      const d = await v.detector.withFilters({ scoreThreshold: 0.01 }).detect(img);
      perVariant[i]!.ms.push(performance.now() - t0);
      perVariant[i]!.frames.push({ gt: image.gt, detections: Array.from({ length: d.length }, (_, j) => ({ xyxy: d.box(j), score: d.confidence[j]! })) });
    }
  }
  const wide = variants[1]!.detector.shapeFor({ width: 1920, height: 1080 });
  console.log(`\nmot17-mini (1920x1080, ${perVariant[0]!.frames.length} frames; 'source' runs at ${wide[1]}x${wide[0]}), people at IoU 0.5, visibility >= 0.25:`);
  console.log('| input | ms/frame | precision@0.3 | recall@0.3 | AP@0.5 |');
  console.log('|---|---|---|---|---|');
  variants.forEach((v, i) => {
    const s = scoreDetections(perVariant[i]!.frames, { scoreThreshold: 0.3 });
    console.log(`| ${v.name} | ${median(perVariant[i]!.ms).toFixed(1)} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.averagePrecision.toFixed(3)} |`);
  });
} else {
  console.log(`mot17-mini not found at ${mot17}: the 16:9 comparison is skipped.`);
}
for (const v of variants) await v.detector.release();
