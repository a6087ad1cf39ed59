// What detecting on every k-th frame costs in accuracy: SORT's Faster R-CNN detections of the MOT15
// train sequences kept on every k-th frame only, tracked by ByteTrack told k frames passed at each
// update (as Scouter's cameras tell it), the frames between filled by TrackExtrapolator (constant
// velocity), all frames scored against the ground truth.
// k = 1 is the baseline in the same run. Needs the evaluation data (SIGHTLINE_EVAL_DATA).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteTracker, detectionsToMotRows, evaluateSequence, groupMotByFrame, motMetrics, motRowsToDetections, readMotFile, TrackExtrapolator, type MotRow } from '../src/index.ts';

const dataRoot = process.env.SIGHTLINE_EVAL_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const mot15 = join(dataRoot, 'mot15');
const SEQUENCES = ['TUD-Campus', 'KITTI-17', 'ETH-Sunnyday', 'TUD-Stadtmitte', 'KITTI-13', 'ETH-Bahnhof', 'ADL-Rundle-6'];
const STRIDES = [1, 2, 3, 5];

if (!existsSync(mot15)) {
  console.log(`detect-stride: evaluation data not found at ${mot15} (set SIGHTLINE_EVAL_DATA); skipped.`);
  process.exit(0);
}

function seqInfo(seq: string): { fps: number; length: number } {
  const ini = readFileSync(join(mot15, seq, 'seqinfo.ini'), 'utf8');
  return { fps: Number(/frameRate=(\d+)/.exec(ini)?.[1]), length: Number(/seqLength=(\d+)/.exec(ini)?.[1]) };
}

/** Tracks on every k-th frame and fills the rest; rows for every frame 1..length. */
function strided(det: Map<number, MotRow[]>, fps: number, length: number, k: number): MotRow[] {
  const tracker = new ByteTracker({ frameRate: fps });
  const fill = new TrackExtrapolator();
  const rows: MotRow[] = [];
  for (let frame = 1; frame <= length; frame++) {
    if ((frame - 1) % k === 0) {
      const tracked = tracker.update(motRowsToDetections(det.get(frame) ?? []), frame === 1 ? 1 : k);
      fill.observe(frame, tracked);
      rows.push(...detectionsToMotRows(frame, tracked));
    } else {
      rows.push(...detectionsToMotRows(frame, fill.predict(frame)));
    }
  }
  return rows;
}

const pct = (v: number): string => (v * 100).toFixed(1).padStart(5);
console.log('Detecting on every k-th frame, frames between filled by TrackExtrapolator (MOT15 train, det_sort_frcnn; MOTA / IDF1, %)');
console.log(`sequence       ${STRIDES.map((k) => `| k=${k} MOTA  IDF1`.padEnd(17)).join(' ')}`);
const sums = STRIDES.map(() => ({ mota: 0, idf1: 0 }));
let n = 0;
for (const seq of SEQUENCES) {
  const detPath = join(mot15, seq, 'det', 'det_sort_frcnn.txt');
  if (!existsSync(detPath)) continue;
  const { fps, length } = seqInfo(seq);
  const det = groupMotByFrame(await readMotFile(detPath));
  const gt = await readMotFile(join(mot15, seq, 'gt', 'gt.txt'));
  const cells = STRIDES.map((k, i) => {
    const m = motMetrics(evaluateSequence(gt, strided(det, fps, length, k)));
    sums[i]!.mota += m.MOTA;
    sums[i]!.idf1 += m.IDF1;
    return `|   ${pct(m.MOTA)} ${pct(m.IDF1)}`.padEnd(17);
  });
  n++;
  console.log(`${seq.padEnd(14)} ${cells.join(' ')}`);
}
console.log(`${'mean'.padEnd(14)} ${sums.map((s) => `|   ${pct(s.mota / n)} ${pct(s.idf1 / n)}`.padEnd(17)).join(' ')}`);
console.log('Network passes per output frame: ' + STRIDES.map((k) => `k=${k} ${(1 / k).toFixed(2)}`).join(', '));
