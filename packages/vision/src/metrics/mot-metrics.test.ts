import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMot, type MotRow } from '../formats/mot.ts';
import { combineCounts, evaluateSequence, motMetrics } from './mot-evaluation.ts';

/** gt/result rows from compact tuples [frame, id, x, y, w?, h?, conf?, class?]. */
const rows = (list: Array<[number, number, number, number, number?, number?, number?, number?]>): MotRow[] =>
  parseMot(list.map(([f, id, x, y, w = 10, h = 10, conf = 1, cls = -1]) => `${f},${id},${x},${y},${w},${h},${conf},${cls},-1,-1`).join('\n'));
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

test('perfect tracking scores 1 everywhere and counts nothing wrong', () => {
  const gt = rows([[1, 1, 0, 0], [1, 2, 50, 0], [2, 1, 2, 0], [2, 2, 52, 0], [3, 1, 4, 0]]);
  const res = rows([[1, 7, 0, 0], [1, 9, 50, 0], [2, 7, 2, 0], [2, 9, 52, 0], [3, 7, 4, 0]]);
  const m = motMetrics(evaluateSequence(gt, res));
  for (const k of ['MOTA', 'MOTP', 'IDF1', 'IDP', 'IDR', 'HOTA', 'DetA', 'AssA'] as const) close(m[k], 1, k);
  assert.deepEqual([m.FP, m.FN, m.IDSW, m.Frag, m.MT, m.PT, m.ML], [0, 0, 0, 0, 2, 0, 0]);
});

test('one id switch halfway: MOTA 3/4, IDF1 1/2, no fragmentation', () => {
  const gt = rows([[1, 1, 0, 0], [2, 1, 0, 0], [3, 1, 0, 0], [4, 1, 0, 0]]);
  const res = rows([[1, 5, 0, 0], [2, 5, 0, 0], [3, 6, 0, 0], [4, 6, 0, 0]]);
  const m = motMetrics(evaluateSequence(gt, res));
  assert.deepEqual([m.FP, m.FN, m.IDSW, m.Frag, m.MT], [0, 0, 1, 0, 1]);
  close(m.MOTA, 0.75, 'MOTA');
  close(m.IDF1, 0.5, 'IDF1');
  // HOTA: every frame is a TP at every alpha; each gt-track pair is aligned 2 of 6 id-frames -> AssA 0.5.
  close(m.DetA, 1, 'DetA');
  close(m.AssA, 2 / (4 + 2 - 2), 'AssA');
  close(m.HOTA, Math.sqrt(0.5), 'HOTA');
});

test('misses, false positives, fragmentation and MT/PT/ML', () => {
  // gt 1 present frames 1-5, tracked in 1, 2, 4, 5 (gap at 3 = 1 fragmentation). gt 2 present 1-5, tracked once.
  // gt 3 present 1-2, tracked both frames. Ratios 0.8 (MT), 0.2 (PT: the bound is inclusive), 1 (MT). Result 8 in frame 3 overlaps nothing (FP).
  const gt = rows([1, 2, 3, 4, 5].flatMap((f) => [[f, 1, 0, 0], [f, 2, 100, 0]] as Array<[number, number, number, number]>).concat([[1, 3, 200, 0], [2, 3, 200, 0]]));
  const res = rows([[1, 1, 0, 0], [2, 1, 0, 0], [4, 1, 0, 0], [5, 1, 0, 0], [1, 2, 100, 0], [1, 3, 200, 0], [2, 3, 200, 0], [3, 8, 400, 0]]);
  const m = motMetrics(evaluateSequence(gt, res));
  assert.deepEqual({ FP: m.FP, FN: m.FN, IDSW: m.IDSW, Frag: m.Frag, MT: m.MT, PT: m.PT, ML: m.ML }, { FP: 1, FN: 5, IDSW: 0, Frag: 1, MT: 2, PT: 1, ML: 0 });
  close(m.MOTA, 1 - 6 / 12, 'MOTA');
  close(m.Recall, 7 / 12, 'Recall');
  close(m.Precision, 7 / 8, 'Precision');
});

test('IoU threshold 0.5 for CLEAR and identity; MOTP is the mean IoU; HOTA counts a match only for alpha <= IoU', () => {
  // 10x10 boxes shifted by 2 px: IoU = 80/120 = 2/3. Shifted by 6: IoU = 40/160 = 0.25 (no CLEAR match).
  const gt = rows([[1, 1, 0, 0], [2, 1, 0, 0]]);
  const m = motMetrics(evaluateSequence(gt, rows([[1, 1, 2, 0], [2, 1, 6, 0]])));
  assert.deepEqual([m.FP, m.FN], [1, 1]);
  close(m.MOTP, 2 / 3, 'MOTP');
  close(m.IDF1, 0.5, 'IDF1');
  // alphas 0.05..0.25 (5 of 19): both frames TP; 0.30..0.65 (8): one TP of 2 gt and 2 res; above: none.
  const detA = (5 * 1 + 8 * (1 / 3) + 6 * 0) / 19;
  close(m.DetA, detA, 'DetA');
});

test('gt rows with conf 0 are ignored; MOT16 distractor matches are dropped, non-pedestrian gt is not counted', () => {
  const mot15 = motMetrics(evaluateSequence(rows([[1, 1, 0, 0, 10, 10, 1], [1, 2, 50, 0, 10, 10, 0]]), rows([[1, 1, 0, 0]])));
  assert.deepEqual([mot15.FN, mot15.FP], [0, 0]);
  // MOT16 layout: class column 1..13. gt 2 is a static person (7), gt 3 a car (3) with conf 0.
  const gt = rows([[1, 1, 0, 0, 10, 10, 1, 1], [1, 2, 50, 0, 10, 10, 0, 7], [1, 3, 100, 0, 10, 10, 0, 3], [1, 4, 150, 0, 10, 10, 1, 1]]);
  const res = rows([[1, 1, 0, 0], [1, 2, 50, 0], [1, 3, 100, 0]]);
  const m = motMetrics(evaluateSequence(gt, res));
  // Result 2 matches the static person: removed. Result 3 matches an ignored car, not a distractor: FP. gt 4 missed.
  assert.deepEqual({ FP: m.FP, FN: m.FN, GT: m.GT }, { FP: 1, FN: 1, GT: 2 });
});

test('ignoreMarked: results on gt rows marked conf 0 are left out instead of counting as false positives', () => {
  // MOT15 layout: gt 2 is marked conf 0 (a person the gt chose not to score); result 3 is a stray box.
  const gt = rows([[1, 1, 0, 0, 10, 10, 1], [1, 2, 50, 0, 10, 10, 0], [2, 1, 0, 0, 10, 10, 1], [2, 2, 52, 0, 10, 10, 0]]);
  const res = rows([[1, 1, 0, 0], [1, 2, 50, 0], [1, 3, 200, 0], [2, 1, 0, 0], [2, 2, 70, 0]]);
  const counted = motMetrics(evaluateSequence(gt, res, 'mot15'));
  assert.deepEqual({ FP: counted.FP, FN: counted.FN }, { FP: 3, FN: 0 }, 'MOT15 protocol: the box on the marked person and the stray boxes are false positives');
  const ignored = motMetrics(evaluateSequence(gt, res, 'mot15', undefined, { ignoreMarked: true }));
  // Frame 2's box at x 70 overlaps the marked person at x 52 below IoU 0.5: still a false positive.
  assert.deepEqual({ FP: ignored.FP, FN: ignored.FN, numResDets: ignored.numResDets }, { FP: 2, FN: 0, numResDets: 4 });
  // MOT16 layout: the conf-0 car (class 3) is not a distractor, so its box counts unless ignoreMarked.
  const gt16 = rows([[1, 1, 0, 0, 10, 10, 1, 1], [1, 3, 100, 0, 10, 10, 0, 3]]);
  const res16 = rows([[1, 1, 0, 0], [1, 3, 100, 0]]);
  assert.equal(motMetrics(evaluateSequence(gt16, res16)).FP, 1);
  assert.equal(motMetrics(evaluateSequence(gt16, res16, 'auto', undefined, { ignoreMarked: true })).FP, 0);
});

test('an id used twice in one frame is an error naming the file and frame', () => {
  assert.throws(() => evaluateSequence(rows([[1, 1, 0, 0]]), rows([[3, 4, 0, 0], [3, 4, 20, 0]]), 'auto', { gt: 'gt.txt', res: 'res.txt' }), /res\.txt: id 4 appears twice in frame 3/);
});

test('combining sequences sums counts and recomputes ratios', () => {
  const a = evaluateSequence(rows([[1, 1, 0, 0], [2, 1, 0, 0]]), rows([[1, 1, 0, 0]]));
  const b = evaluateSequence(rows([[1, 1, 0, 0]]), rows([[1, 1, 0, 0], [1, 2, 40, 0]]));
  const m = motMetrics(combineCounts([a, b]));
  assert.deepEqual([m.FN, m.FP, m.GT], [1, 1, 2]);
  close(m.MOTA, 1 - 2 / 3, 'MOTA');
  close(m.IDF1, (2 * 2) / (3 + 3), 'IDF1');
});
