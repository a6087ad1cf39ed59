// Tracker benchmark: accuracy on the seven MOT15 dev sequences with SORT's own Faster R-CNN
// detections, SORT mode and the default tracker side by side (beside SORT's published MOTA where it
// exists; one default for all seven; the default also with its gaps of at most TRACK_GAP_SECONDS
// filled, then also smoothed over TRACK_SMOOTH_SECONDS, as `sightline track` writes it), and speed of ByteTrack beside this project's SORT
// mode, each also with gating off (the dense IoU matrix, same results) as the baseline, in one run.
// Accuracy and the ETH-Bahnhof speed row need the evaluation data (SIGHTLINE_EVAL_DATA, default
// <repo>/../shared/data); the synthetic 50/200/1000-object rows always run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteTracker, Detections, SortTracker, TRACK_GAP_SECONDS, TRACK_SMOOTH_SECONDS, combineCounts, fillTrackGaps, smoothTracks, detectionsToMotRows, evaluateSequence, groupMotByFrame, motMetrics, motRowsToDetections, readMotFile, trackedRows, type MotCounts, type MotMetrics, type MotRow, type Tracker } from '../src/index.ts';

const dataRoot = process.env.SIGHTLINE_EVAL_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const mot15 = join(dataRoot, 'mot15');
const hasData = existsSync(mot15);
const trackers: Array<[string, (fps: number) => Tracker]> = [
  ['bytetrack', (fps) => new ByteTracker({ frameRate: fps })],
  ['sort', () => new SortTracker()],
];
const denseTrackers: Array<[string, (fps: number) => Tracker]> = [
  ['bytetrack dense', (fps) => new ByteTracker({ frameRate: fps, gating: false })],
  ['sort dense', () => new SortTracker({ gating: false })],
];
const pct = (v: number): string => (v * 100).toFixed(1).padStart(6);

function seqInfo(seq: string): { fps: number; length: number } {
  const ini = readFileSync(join(mot15, seq, 'seqinfo.ini'), 'utf8');
  return { fps: Number(/frameRate=(\d+)/.exec(ini)?.[1]), length: Number(/seqLength=(\d+)/.exec(ini)?.[1]) };
}

function runTracker(tracker: Tracker, frames: Detections[]): { rows: MotRow[]; ms: number } {
  const rows: MotRow[] = [];
  const started = performance.now();
  const outputs = frames.map((d) => tracker.update(d));
  const ms = performance.now() - started;
  outputs.forEach((out, k) => rows.push(...detectionsToMotRows(k + 1, out)));
  return { rows, ms };
}

async function loadFrames(seq: string): Promise<Detections[]> {
  const { length } = seqInfo(seq);
  const det = groupMotByFrame(await readMotFile(join(mot15, seq, 'det', 'det_sort_frcnn.txt')));
  return Array.from({ length }, (_, k) => motRowsToDetections(det.get(k + 1) ?? []));
}

if (hasData) {
  // SORT's published MOTA exists for three of the seven; SORT mode reproduces those to 0.1 points,
  // so it stands in for SORT on the other four.
  console.log('Accuracy, MOT15 train with det_sort_frcnn.txt (one default for all seven; MOTA / IDF1 / HOTA in %, IDSW; ratios: default minus SORT mode, points)');
  console.log(`sequence        SORT pub. |  sort mode MOTA  IDF1  HOTA IDSW |    default MOTA  IDF1  HOTA IDSW |  dMOTA  dIDF1  dHOTA | gaps <= ${TRACK_GAP_SECONDS} s filled  IDSW |  dMOTA  dIDF1  dHOTA | + smoothed ${TRACK_SMOOTH_SECONDS} s  IDSW |  dMOTA  dIDF1  dHOTA`);
  const sequences: Array<[string, number | null]> = [['TUD-Campus', 62.7], ['KITTI-17', 60.2], ['ETH-Sunnyday', 59.1], ['TUD-Stadtmitte', null], ['KITTI-13', null], ['ETH-Bahnhof', null], ['ADL-Rundle-6', null]];
  const parts: [MotCounts[], MotCounts[], MotCounts[], MotCounts[]] = [[], [], [], []];
  const cell = (m: MotMetrics): string => `${pct(m.MOTA)} ${pct(m.IDF1)} ${pct(m.HOTA)} ${String(m.IDSW).padStart(4)}`;
  const delta = (a: MotMetrics, b: MotMetrics): string => [b.MOTA - a.MOTA, b.IDF1 - a.IDF1, b.HOTA - a.HOTA].map((v) => ((v >= 0 ? '+' : '') + (v * 100).toFixed(1)).padStart(6)).join(' ');
  let sumDelta = 0;
  let sumFilledDelta = 0;
  let sumSmoothedDelta = 0;
  let counted = 0;
  for (const [seq, published] of sequences) {
    if (!existsSync(join(mot15, seq, 'det', 'det_sort_frcnn.txt'))) continue;
    const frames = await loadFrames(seq);
    const gt = await readMotFile(join(mot15, seq, 'gt', 'gt.txt'));
    const { fps } = seqInfo(seq);
    const sortRows = trackedRows(trackers[1]![1](fps), frames);
    const byteRows = trackedRows(trackers[0]![1](fps), frames);
    const filledRows = fillTrackGaps(byteRows, Math.round(TRACK_GAP_SECONDS * fps));
    const [sort, byte, filled, smoothed] = [sortRows, byteRows, filledRows, smoothTracks(filledRows, Math.round(TRACK_SMOOTH_SECONDS * fps))].map((rows, k) => {
      const counts = evaluateSequence(gt, rows);
      parts[k]!.push(counts);
      return motMetrics(counts);
    }) as [MotMetrics, MotMetrics, MotMetrics, MotMetrics];
    sumDelta += byte.MOTA - sort.MOTA;
    sumFilledDelta += filled.MOTA - sort.MOTA;
    sumSmoothedDelta += smoothed.MOTA - sort.MOTA;
    counted++;
    console.log(`${seq.padEnd(15)} ${(published === null ? '-' : String(published)).padStart(9)} | ${cell(sort).padStart(31)} | ${cell(byte).padStart(31)} | ${delta(sort, byte)} | ${cell(filled).padStart(31)} | ${delta(sort, filled)} | ${cell(smoothed).padStart(31)} | ${delta(sort, smoothed)}`);
  }
  const [sortAll, byteAll, filledAll, smoothedAll] = parts.map((p) => motMetrics(combineCounts(p))) as [MotMetrics, MotMetrics, MotMetrics, MotMetrics];
  console.log(`${'COMBINED'.padEnd(15)} ${'-'.padStart(9)} | ${cell(sortAll).padStart(31)} | ${cell(byteAll).padStart(31)} | ${delta(sortAll, byteAll)} | ${cell(filledAll).padStart(31)} | ${delta(sortAll, filledAll)} | ${cell(smoothedAll).padStart(31)} | ${delta(sortAll, smoothedAll)}`);
  const gain = (sum: number) => `${sum >= 0 ? '+' : ''}${((sum / Math.max(counted, 1)) * 100).toFixed(2)} points`;
  console.log(`average per-sequence MOTA gain over SORT mode: ${gain(sumDelta)}; with gaps filled: ${gain(sumFilledDelta)}; filled and smoothed, as sightline track writes: ${gain(sumSmoothedDelta)}`);
  const bahnhof = await loadFrames('ETH-Bahnhof');
  const boxes = bahnhof.reduce((s, d) => s + d.length, 0);
  const speed = [...trackers, ...denseTrackers].map(([name, make]) => {
    runTracker(make(14), bahnhof); // warm-up
    const best = Math.min(...[0, 1, 2].map(() => runTracker(make(14), bahnhof).ms));
    return { name, fps: (bahnhof.length / best) * 1000 };
  });
  console.log(`\nSpeed, ETH-Bahnhof (${bahnhof.length} frames, ${boxes} detections), best of 3: ${speed.map((s) => `${s.name} ${s.fps.toFixed(0)} frames/s`).join(', ')} (bytetrack/sort ${(speed[0]!.fps / speed[1]!.fps).toFixed(2)}x, gated/dense bytetrack ${(speed[0]!.fps / speed[2]!.fps).toFixed(2)}x)`);
} else {
  console.log(`Evaluation data not found at ${mot15} (set SIGHTLINE_EVAL_DATA): accuracy table and ETH-Bahnhof speed skipped.`);
}

/** Deterministic crowd: n people walking on a canvas sized to keep density constant, with jitter and 5% misses. */
function crowd(n: number, frames: number): Detections[] {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const side = Math.sqrt(n) * 120;
  const people = Array.from({ length: n }, () => ({ x: rand() * side, y: rand() * side, vx: rand() * 4 - 2, vy: rand() * 2 - 1 }));
  return Array.from({ length: frames }, () => {
    const rows = [];
    for (const p of people) {
      p.x += p.vx;
      p.y += p.vy;
      if (rand() < 0.05) continue;
      const x = p.x + rand() * 2 - 1;
      const y = p.y + rand() * 2 - 1;
      rows.push({ xyxy: [x, y, x + 30, y + 80] as const, confidence: 0.3 + rand() * 0.7, classId: 0 });
    }
    return Detections.fromRows(rows);
  });
}

console.log('\nPer-frame update time, synthetic crowd (300 frames after 30 warm-up, run 3 times; median, mean and p95 ms, one core; dense = gating off, same results)');
console.log('objects | bytetrack  med   mean   p95 |      sort  med   mean   p95 | byte dense med   mean   p95 | sort dense med   mean   p95 | gated/dense median bytetrack, sort');
for (const n of [50, 200, 1000]) {
  const frames = crowd(n, 330);
  const stats = [...trackers, ...denseTrackers].map(([, make]) => {
    const times: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const tracker = make(30);
      frames.forEach((d, k) => {
        const t0 = performance.now();
        tracker.update(d);
        if (k >= 30) times.push(performance.now() - t0);
      });
    }
    times.sort((a, b) => a - b);
    return { median: times[times.length >> 1]!, mean: times.reduce((s, v) => s + v, 0) / times.length, p95: times[Math.floor(times.length * 0.95)]! };
  });
  const cell = (s: { median: number; mean: number; p95: number }): string => `${s.median.toFixed(3).padStart(14)} ${s.mean.toFixed(3).padStart(6)} ${s.p95.toFixed(3).padStart(5)}`;
  const [b, s, bd, sd] = stats as [typeof stats[0], typeof stats[0], typeof stats[0], typeof stats[0]];
  console.log(`${String(n).padStart(7)} | ${cell(b)} | ${cell(s)} | ${cell(bd)} | ${cell(sd)} | ${(b.median / bd.median).toFixed(2)}x, ${(s.median / sd.median).toFixed(2)}x`);
}
