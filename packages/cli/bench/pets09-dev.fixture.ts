// The PETS09-S2L1 dev stretch as the CLI benchmarks use it: the evaluation data's video and its
// ground truth for frames 1-400 (768x576 boxes, x0.625 for the 480x360 video), the project's own
// `sightline` binary, a lossless cut of the first frames and the ground truth in MOTChallenge layout.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegPath, passthroughFrames } from '@sightline/media';

const dataRoot = process.env.SIGHTLINE_EVAL_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
export const petsVideo = join(dataRoot, 'video', 'pets09-s2l1.avi');
export const petsGtFile = join(dataRoot, 'pets09-dev', 'gt-frames-1-400.txt');
/** The sequence name results and ground truth are filed under. */
export const PETS_SEQ = 'PETS09-S2L1-1-400';

/** Ends the benchmark with a message saying what is missing when the evaluation data is absent. */
export function requirePetsDev(benchmark: string): void {
  if (existsSync(petsVideo) && existsSync(petsGtFile)) return;
  console.log(`Evaluation data not found at ${dataRoot} (set SIGHTLINE_EVAL_DATA): ${benchmark} benchmark skipped.`);
  process.exit(0);
}

const bin = fileURLToPath(new URL('../../../bin/sightline.mjs', import.meta.url));

/** Runs `sightline <args>` and gives its standard output; a failing command throws with its stderr. */
export function sightline(...args: string[]): string {
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`sightline ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run.stdout.trim();
}

/** The first `frames` source frames, losslessly (ffv1), so that frame k of the clip is frame k of the gt. */
export function cutPetsClip(path: string, frames = 400): string {
  const cut = spawnSync(ffmpegPath(), ['-v', 'error', '-nostdin', '-i', petsVideo, '-map', '0:v:0', '-an', ...passthroughFrames(), '-frames:v', String(frames), '-c:v', 'ffv1', path]);
  if (cut.status !== 0) throw new Error(`ffmpeg could not cut the clip: ${cut.stderr}`);
  return path;
}

/** The dev ground truth scaled to the 480x360 video, as MOT text. */
export function petsGtText(): string {
  return readFileSync(petsGtFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map((v, c) => (c >= 2 && c <= 5 ? String(Number(v) * 0.625) : v)).join(','))
    .join('\n');
}

/** Writes the scaled ground truth as `<root>/<seq>/gt/gt.txt` (what `sightline eval --gt <root>` reads); returns `root`. */
export function writePetsGtFolder(root: string, seq = PETS_SEQ): string {
  mkdirSync(join(root, seq, 'gt'), { recursive: true });
  writeFileSync(join(root, seq, 'gt', 'gt.txt'), petsGtText() + '\n');
  return root;
}
