import { parseArgs } from 'node:util';
import { evaluateSequence, motMetrics, readMotFile } from '@sightline/vision';
import { UsageError, type CliCommand } from '../command.ts';

const usage = `Usage: sightline eval --gt <gt.txt> --res <res.txt> [--json]

  --gt    MOTChallenge ground truth (frame,id,x,y,w,h,conf,class|wx,visibility|wy,z)
  --res   MOTChallenge tracker results (frame,id,x,y,w,h,...)
  --json  print one JSON object with keys MOTA, MOTP, IDF1, IDP, IDR, HOTA, DetA, AssA,
          FP, FN, IDSW, Frag, MT, PT, ML (ratios as fractions; MOTP = mean IoU of matches)

Conventions of the MOTChallenge devkit / TrackEval: IoU >= 0.5 to match; gt rows with conf 0 are
ignored; when the gt has a class column (MOT16+), only pedestrians (class 1) count and results
matching distractors (classes 2, 7, 8, 12) are removed. HOTA averages alpha 0.05..0.95.`;

const jsonKeys = ['MOTA', 'MOTP', 'IDF1', 'IDP', 'IDR', 'HOTA', 'DetA', 'AssA', 'FP', 'FN', 'IDSW', 'Frag', 'MT', 'PT', 'ML'] as const;

/** `sightline eval`: CLEAR MOT, identity and HOTA metrics of one result file against its gt. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Score MOTChallenge tracking results against ground truth (MOTA, IDF1, HOTA...)',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { gt: { type: 'string' }, res: { type: 'string' }, json: { type: 'boolean', default: false } } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.gt) throw new UsageError('--gt <gt.txt> is required');
    if (!values.res) throw new UsageError('--res <res.txt> is required');
    const [gt, res] = await Promise.all([readMotFile(values.gt), readMotFile(values.res)]);
    const m = motMetrics(evaluateSequence(gt, res, 'auto', { gt: values.gt, res: values.res }));
    if (values.json) {
      console.log(JSON.stringify(Object.fromEntries(jsonKeys.map((k) => [k, m[k]]))));
      return 0;
    }
    const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
    console.log(`${values.res} vs ${values.gt}: ${m.GT} gt tracks, ${m.numGtDets} gt boxes, ${m.numResDets} result boxes`);
    console.log(`MOTA ${pct(m.MOTA)}  MOTP ${pct(m.MOTP)}  Recall ${pct(m.Recall)}  Precision ${pct(m.Precision)}`);
    console.log(`IDF1 ${pct(m.IDF1)}  IDP ${pct(m.IDP)}  IDR ${pct(m.IDR)}`);
    console.log(`HOTA ${pct(m.HOTA)}  DetA ${pct(m.DetA)}  AssA ${pct(m.AssA)}  LocA ${pct(m.LocA)}`);
    console.log(`FP ${m.FP}  FN ${m.FN}  IDSW ${m.IDSW}  Frag ${m.Frag}  MT ${m.MT}  PT ${m.PT}  ML ${m.ML}`);
    return 0;
  },
};
