// Whole-pipeline benchmark on real video, through the project's own CLI: `sightline detect` (the
// default detector) -> `sightline track` (SORT mode, and the default tracker with the detector's
// score calibration) -> `sightline eval`, on the PETS09-S2L1 dev stretch (frames 1-400 of the
// 480x360 video, ground truth scaled by 0.625 from the original 768x576). Also prints the detector
// alone at several scores, so the recall lost between detector and tracker output is visible.
// Needs the evaluation data (SIGHTLINE_EVAL_DATA, default <repo>/../shared/data); skips without it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegPath } from '@sightline/media';
import { evaluateSequence, motMetrics, parseMot } from '@sightline/vision';

const dataRoot = process.env.SIGHTLINE_EVAL_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const video = join(dataRoot, 'video', 'pets09-s2l1.avi');
const gtFile = join(dataRoot, 'pets09-dev', 'gt-frames-1-400.txt');
if (!existsSync(video) || !existsSync(gtFile)) {
  console.log(`Evaluation data not found at ${dataRoot} (set SIGHTLINE_EVAL_DATA): PETS09 pipeline benchmark skipped.`);
  process.exit(0);
}

const bin = fileURLToPath(new URL('../bin/sightline.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sightline-pipeline-'));
const sightline = (...args: string[]): string => {
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`sightline ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run.stdout.trim();
};

try {
  // The first 400 source frames, losslessly, so that frame k of the clip is frame k of the gt.
  const clip = join(dir, 'pets09-1-400.mkv');
  const cut = spawnSync(ffmpegPath(), ['-v', 'error', '-nostdin', '-i', video, '-map', '0:v:0', '-an', '-fps_mode', 'passthrough', '-frames:v', '400', '-c:v', 'ffv1', clip]);
  if (cut.status !== 0) throw new Error(`ffmpeg could not cut the clip: ${cut.stderr}`);
  const seq = 'PETS09-S2L1-1-400';
  mkdirSync(join(dir, 'gt', seq, 'gt'), { recursive: true });
  const gtText = readFileSync(gtFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map((v, c) => (c >= 2 && c <= 5 ? String(Number(v) * 0.625) : v)).join(','))
    .join('\n');
  writeFileSync(join(dir, 'gt', seq, 'gt', 'gt.txt'), gtText + '\n');

  const det = join(dir, 'det.txt');
  console.log(sightline('detect', '--video', clip, '--out', det, '--score', '0.3'));

  // Detector alone: every box its own track, so only recall and precision mean anything.
  const gt = parseMot(gtText);
  const detRows = parseMot(readFileSync(det, 'utf8'));
  console.log('\nDetector alone (each box scored on its own, IoU 0.5):');
  for (const s of [0.3, 0.4, 0.5]) {
    const m = motMetrics(evaluateSequence(gt, detRows.filter((r) => r.conf >= s).map((r, k) => ({ ...r, id: k + 1 })), 'mot15'));
    console.log(`  score >= ${s}: recall ${m.Recall.toFixed(3)}, precision ${m.Precision.toFixed(3)}`);
  }

  for (const name of ['sort', 'default']) mkdirSync(join(dir, name));
  // The container says 10 fps: that is what a camera feed of this file would report.
  sightline('track', '--det', det, '--out', join(dir, 'sort', `${seq}.txt`), '--tracker', 'sort', '--fps', '10');
  sightline('track', '--det', det, '--out', join(dir, 'default', `${seq}.txt`), '--fps', '10', '--model', 'centernet');
  console.log('\nWhole pipeline, PETS09-S2L1 frames 1-400 (480x360): SORT mode, then the default tracker with CenterNet\'s score calibration');
  console.log(sightline('eval', '--gt', join(dir, 'gt'), '--res', join(dir, 'sort'), '--compare', join(dir, 'default')));
  const json = JSON.parse(sightline('eval', '--gt', join(dir, 'gt'), '--res', join(dir, 'default'), '--json')) as { combined: Record<string, number> };
  const people = new Set(gt.filter((r) => r.conf !== 0).map((r) => r.id)).size;
  const c = json.combined;
  console.log(`\nDefault pipeline against the goals: MOTA ${c.MOTA!.toFixed(3)} (goal >= 0.80), IDF1 ${c.IDF1!.toFixed(3)} (goal >= 0.75), ${c.IDSW} identity switches for ${people} people = ${(c.IDSW! / people).toFixed(1)} per person (goal <= 1)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
