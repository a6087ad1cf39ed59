import { parseArgs } from 'node:util';
import { combineCounts, evaluateSequence, motMetrics, readMotFile, type MotCounts, type MotMetrics, type PrepareOptions } from '@sightline/vision';
import { UsageError, type CliCommand } from '../command.ts';
import { deltaTable, isDirectory, metricsTable, pairSequences } from './eval-table.ts';

const usage = `Usage: sightline eval --gt <gt.txt> --res <res.txt> [--ignore-marked] [--json]
       sightline eval --gt <gt folder> --res <res folder> [--compare <res folder>] [--ignore-marked] [--json]

  --gt       MOTChallenge ground truth (frame,id,x,y,w,h,conf,class|wx,visibility|wy,z), or a
             folder of sequences in MOTChallenge layout (<seq>/gt/gt.txt)
  --res      MOTChallenge tracker results (frame,id,x,y,w,h,...), or a folder with <seq>.txt
             for every sequence of the gt folder
  --compare  a second results folder (or file): prints its table and the per-sequence
             differences (second minus first: MOTA/IDF1/HOTA in points, FP/FN/IDSW in counts)
  --ignore-marked
             result boxes on gt rows marked conf 0 (IoU >= 0.5, matched one to one) are left out
             instead of counting as false positives; not the MOTChallenge protocol, for gt whose
             conf-0 rows mark people it chose not to score (PETS09 S2.L1: people leaving the
             annotated area)
  --json     one file: one JSON object with keys MOTA, MOTP, IDF1, IDP, IDR, HOTA, DetA, AssA,
             FP, FN, IDSW, Frag, MT, PT, ML (ratios as fractions; MOTP = mean IoU of matches);
             folders: { sequences: { <seq>: {...} }, combined: {...} }, and with --compare
             { res: <that>, compare: <that> }

Conventions of the MOTChallenge devkit / TrackEval: IoU >= 0.5 to match; gt rows with conf 0 are
ignored; when the gt has a class column (MOT16+), only pedestrians (class 1) count and results
matching distractors (classes 2, 7, 8, 12) are removed. HOTA averages alpha 0.05..0.95. The
combined row sums the counts of all sequences and recomputes the ratios (TrackEval's COMBINED).`;

const jsonKeys = ['MOTA', 'MOTP', 'IDF1', 'IDP', 'IDR', 'HOTA', 'DetA', 'AssA', 'FP', 'FN', 'IDSW', 'Frag', 'MT', 'PT', 'ML'] as const;
const pick = (m: MotMetrics): Record<string, number> => Object.fromEntries(jsonKeys.map((k) => [k, m[k]]));

/** Metrics of every sequence of a gt folder against a results folder, and combined. */
async function scoreFolder(gtDir: string, resDir: string, options: PrepareOptions): Promise<Array<[string, MotMetrics]>> {
  const parts: MotCounts[] = [];
  const rows: Array<[string, MotMetrics]> = [];
  for (const seq of pairSequences(gtDir, resDir)) {
    const [gt, res] = await Promise.all([readMotFile(seq.gt), readMotFile(seq.res)]);
    const counts = evaluateSequence(gt, res, 'auto', { gt: seq.gt, res: seq.res }, options);
    parts.push(counts);
    rows.push([seq.name, motMetrics(counts)]);
  }
  rows.push(['COMBINED', motMetrics(combineCounts(parts))]);
  return rows;
}

/** A single gt/result pair as a one-row table. */
async function scoreFile(gtFile: string, resFile: string, options: PrepareOptions): Promise<Array<[string, MotMetrics]>> {
  const [gt, res] = await Promise.all([readMotFile(gtFile), readMotFile(resFile)]);
  return [[resFile, motMetrics(evaluateSequence(gt, res, 'auto', { gt: gtFile, res: resFile }, options))]];
}

/** `sightline eval`: CLEAR MOT, identity and HOTA metrics of results against ground truth. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Score MOTChallenge tracking results against ground truth (MOTA, IDF1, HOTA...), one sequence or a folder',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { gt: { type: 'string' }, res: { type: 'string' }, compare: { type: 'string' }, 'ignore-marked': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.gt) throw new UsageError('--gt <gt.txt> is required');
    if (!values.res) throw new UsageError('--res <res.txt> is required');
    const folder = isDirectory(values.gt);
    for (const [flag, path] of [['--res', values.res], ['--compare', values.compare]] as const) {
      if (path !== undefined && folder !== isDirectory(path)) throw new UsageError(`${flag} must be ${folder ? 'a folder when --gt is a folder' : 'a file when --gt is a file'}: ${path}`);
    }
    const score = folder ? scoreFolder : scoreFile;
    const options: PrepareOptions = { ignoreMarked: values['ignore-marked'] };
    const first = await score(values.gt, values.res, options);
    const second = values.compare ? await score(values.gt, values.compare, options) : undefined;

    if (values.json) {
      const shape = (rows: Array<[string, MotMetrics]>) => (folder ? { sequences: Object.fromEntries(rows.slice(0, -1).map(([n, m]) => [n, pick(m)])), combined: pick(rows.at(-1)![1]) } : pick(rows[0]![1]));
      console.log(JSON.stringify(second ? { res: shape(first), compare: shape(second) } : shape(first)));
      return 0;
    }
    if (!folder && !second) {
      const m = first[0]![1];
      const p = (v: number): string => `${(v * 100).toFixed(2)}%`;
      console.log(`${values.res} vs ${values.gt}: ${m.GT} gt tracks, ${m.numGtDets} gt boxes, ${m.numResDets} result boxes`);
      console.log(`MOTA ${p(m.MOTA)}  MOTP ${p(m.MOTP)}  Recall ${p(m.Recall)}  Precision ${p(m.Precision)}`);
      console.log(`IDF1 ${p(m.IDF1)}  IDP ${p(m.IDP)}  IDR ${p(m.IDR)}`);
      console.log(`HOTA ${p(m.HOTA)}  DetA ${p(m.DetA)}  AssA ${p(m.AssA)}  LocA ${p(m.LocA)}`);
      console.log(`FP ${m.FP}  FN ${m.FN}  IDSW ${m.IDSW}  Frag ${m.Frag}  MT ${m.MT}  PT ${m.PT}  ML ${m.ML}`);
      return 0;
    }
    console.log(`${values.res} (ratios in %, MOTP = mean IoU of matches):`);
    console.log(metricsTable(first));
    if (second) {
      console.log(`\n${values.compare}:`);
      console.log(metricsTable(second));
      console.log(`\n${values.compare} minus ${values.res}:`);
      console.log(deltaTable(first, second));
    }
    return 0;
  },
};
