// Reproduces published values on real MOTChallenge data when the evaluation data folder is present
// (SIGHTLINE_EVAL_DATA, default <repo>/../shared/data); skips with a message otherwise.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { groupMotByFrame, motRowsToDetections, readMotFile } from '../formats/mot.ts';
import { trackedRows } from '../tracking/tracked-rows.ts';
import { ByteTracker } from '../tracking/byte-tracker.ts';
import { SortTracker } from '../tracking/sort-tracker.ts';
import type { Tracker } from '../tracking/tracker.ts';
import { combineCounts, evaluateSequence, motMetrics, type MotMetrics } from './mot-evaluation.ts';

const dataRoot = process.env.SIGHTLINE_EVAL_DATA ?? fileURLToPath(new URL('../../../../../shared/data', import.meta.url));
const mot15 = join(dataRoot, 'mot15');
const missing = existsSync(join(mot15, '_trackers', 'CEM')) ? null : `evaluation data not found at ${mot15} (set SIGHTLINE_EVAL_DATA)`;

// Published values for the devkit's CEM results (see the data folder's README.md).
const published: Record<string, Partial<Record<keyof MotMetrics, number>>> = {
  'TUD-Campus': { IDF1: 0.557659, IDP: 0.72973, IDR: 0.451253, Recall: 0.582173, Precision: 0.941441, GT: 8, MT: 1, PT: 6, ML: 1, FP: 13, FN: 150, IDSW: 7, Frag: 7, MOTA: 0.526462, MOTP: 1 - 0.277201, HOTA: 0.3913974, DetA: 0.418047, AssA: 0.3691207 },
  'TUD-Stadtmitte': { IDF1: 0.644619, IDP: 0.81976, IDR: 0.531142, Recall: 0.608997, Precision: 0.93992, GT: 10, MT: 5, PT: 4, ML: 1, FP: 45, FN: 452, IDSW: 7, Frag: 6, MOTA: 0.564014, MOTP: 1 - 0.345904 },
  both: { IDF1: 0.624296, IDP: 0.799176, IDR: 0.512211, Recall: 0.60264, Precision: 0.940268, GT: 18, MT: 6, PT: 10, ML: 2, FP: 58, FN: 602, IDSW: 14, Frag: 13, MOTA: 0.555116, MOTP: 1 - 0.330177, HOTA: 0.3999571, DetA: 0.3976833, AssA: 0.4124495 },
};

test('CLEAR MOT, identity and HOTA reproduce the published CEM values on TUD-Campus and TUD-Stadtmitte to 1e-3', async (t) => {
  if (missing) return t.skip(missing);
  const parts = [];
  for (const seq of ['TUD-Campus', 'TUD-Stadtmitte']) {
    const counts = evaluateSequence(await readMotFile(join(mot15, seq, 'gt', 'gt.txt')), await readMotFile(join(mot15, '_trackers', 'CEM', `${seq}.txt`)));
    parts.push(counts);
    check(seq, motMetrics(counts));
  }
  check('both', motMetrics(combineCounts(parts)));
});

function check(name: string, got: MotMetrics): void {
  for (const [key, want] of Object.entries(published[name]!)) {
    const value = got[key as keyof MotMetrics];
    assert.ok(Math.abs(value - want) <= 1e-3, `${name} ${key}: ${value} vs published ${want}`);
  }
}

test('SORT mode with the Faster R-CNN detections lands on SORT\'s published MOTA (within 0.2 points)', async (t) => {
  if (missing) return t.skip(missing);
  for (const [seq, mota] of [['TUD-Campus', 62.7], ['KITTI-17', 60.2], ['ETH-Sunnyday', 59.1]] as const) {
    const m = await trackSequence(seq, () => new SortTracker());
    assert.ok(Math.abs(m.MOTA * 100 - mota) <= 0.2, `${seq}: MOTA ${(m.MOTA * 100).toFixed(2)} vs published ${mota}`);
  }
});

/** Runs a tracker over a MOT15 sequence's Faster R-CNN detections and scores it. */
async function trackSequence(seq: string, make: (fps: number) => Tracker): Promise<MotMetrics> {
  const det = groupMotByFrame(await readMotFile(join(mot15, seq, 'det', 'det_sort_frcnn.txt')));
  const ini = readFileSync(join(mot15, seq, 'seqinfo.ini'), 'utf8');
  const length = Number(/seqLength=(\d+)/.exec(ini)?.[1]);
  const tracker = make(Number(/frameRate=(\d+)/.exec(ini)?.[1]));
  const out = trackedRows(tracker, Array.from({ length }, (_, k) => motRowsToDetections(det.get(k + 1) ?? [])));
  return motMetrics(evaluateSequence(await readMotFile(join(mot15, seq, 'gt', 'gt.txt')), out));
}

test('the default tracker beats SORT mode on MOTA and IDF1 on each of the seven MOT15 dev sequences, MOTA by 3 points on average', async (t) => {
  if (missing) return t.skip(missing);
  let gain = 0;
  const sequences = ['TUD-Campus', 'KITTI-17', 'ETH-Sunnyday', 'TUD-Stadtmitte', 'KITTI-13', 'ETH-Bahnhof', 'ADL-Rundle-6'];
  for (const seq of sequences) {
    const sort = await trackSequence(seq, () => new SortTracker());
    const ours = await trackSequence(seq, (fps) => new ByteTracker({ frameRate: fps }));
    assert.ok(ours.MOTA > sort.MOTA, `${seq}: MOTA ${ours.MOTA} vs SORT ${sort.MOTA}`);
    assert.ok(ours.IDF1 > sort.IDF1, `${seq}: IDF1 ${ours.IDF1} vs SORT ${sort.IDF1}`);
    gain += (ours.MOTA - sort.MOTA) / sequences.length;
  }
  assert.ok(gain >= 0.03, `average MOTA gain ${gain}`);
});
