// Sequence folders and the MOTChallenge-style table printed by `sightline eval` over many sequences.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MotMetrics } from '@sightline/vision';
import { UsageError } from '../command.ts';

/** A sequence to score: its name, gt file and result file. */
export interface SequencePair {
  name: string;
  gt: string;
  res: string;
}

export const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/**
 * The sequences of a MOTChallenge-layout gt folder (`<gt>/<seq>/gt/gt.txt`, as TrackEval reads
 * them) paired with a results folder's `<res>/<seq>.txt`. A sequence without a result file is an
 * error naming the missing file: silently scoring fewer sequences would flatter a tracker.
 */
export function pairSequences(gtDir: string, resDir: string): SequencePair[] {
  const names = readdirSync(gtDir)
    .filter((name) => existsSync(join(gtDir, name, 'gt', 'gt.txt')))
    .sort();
  if (names.length === 0) throw new UsageError(`${gtDir} holds no sequences (expected <seq>/gt/gt.txt folders, MOTChallenge layout)`);
  return names.map((name) => {
    const res = join(resDir, `${name}.txt`);
    if (!existsSync(res)) throw new UsageError(`${res}: no results for sequence ${name} (expected <res>/<seq>.txt for every sequence in ${gtDir})`);
    return { name, gt: join(gtDir, name, 'gt', 'gt.txt'), res };
  });
}

type Column = [header: string, value: (m: MotMetrics) => string];
const pct = (v: number): string => (v * 100).toFixed(1);
const columns: Column[] = [
  ['MOTA', (m) => pct(m.MOTA)],
  ['IDF1', (m) => pct(m.IDF1)],
  ['HOTA', (m) => pct(m.HOTA)],
  ['DetA', (m) => pct(m.DetA)],
  ['AssA', (m) => pct(m.AssA)],
  ['MOTP', (m) => pct(m.MOTP)],
  ['Rcll', (m) => pct(m.Recall)],
  ['Prcn', (m) => pct(m.Precision)],
  ['GT', (m) => String(m.GT)],
  ['MT', (m) => String(m.MT)],
  ['ML', (m) => String(m.ML)],
  ['FP', (m) => String(m.FP)],
  ['FN', (m) => String(m.FN)],
  ['IDSW', (m) => String(m.IDSW)],
  ['Frag', (m) => String(m.Frag)],
];

/** Rows of `[name, metrics]` as an aligned table, the combined row last after a rule. */
export function metricsTable(rows: ReadonlyArray<[string, MotMetrics]>): string {
  const cells = rows.map(([name, m]) => [name, ...columns.map(([, f]) => f(m))]);
  return alignedTable(['Sequence', ...columns.map(([h]) => h)], cells);
}

const deltaColumns: Array<[string, (a: MotMetrics, b: MotMetrics) => string]> = [
  ['MOTA', (a, b) => signed((b.MOTA - a.MOTA) * 100, 1)],
  ['IDF1', (a, b) => signed((b.IDF1 - a.IDF1) * 100, 1)],
  ['HOTA', (a, b) => signed((b.HOTA - a.HOTA) * 100, 1)],
  ['FP', (a, b) => signed(b.FP - a.FP, 0)],
  ['FN', (a, b) => signed(b.FN - a.FN, 0)],
  ['IDSW', (a, b) => signed(b.IDSW - a.IDSW, 0)],
];
const signed = (v: number, digits: number): string => (v > 0 ? '+' : '') + v.toFixed(digits);

/** Per-sequence differences, second result set minus first (points for ratios, counts for errors). */
export function deltaTable(first: ReadonlyArray<[string, MotMetrics]>, second: ReadonlyArray<[string, MotMetrics]>): string {
  const cells = first.map(([name, a], k) => [name, ...deltaColumns.map(([, f]) => f(a, second[k]![1]))]);
  return alignedTable(['Sequence', ...deltaColumns.map(([h]) => h)], cells);
}

function alignedTable(header: string[], cells: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  const out = [line(header)];
  cells.forEach((r, k) => {
    if (k === cells.length - 1 && cells.length > 1) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
    out.push(line(r));
  });
  return out.join('\n');
}
