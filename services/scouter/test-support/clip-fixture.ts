import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegPath } from '@sightline/media';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The evaluation data folder (SIGHTLINE_EVAL_DATA or <repo>/../shared/data); may not exist. */
export const evalDataDir = process.env.SIGHTLINE_EVAL_DATA ?? join(repoRoot, '..', 'shared', 'data');
export const petsVideo = join(evalDataDir, 'video', 'pets09-s2l1.avi');

/** The crowd photo shipped with @vladmandic/human (MIT): real people for a detector to find. */
export const samplesJpg = join(repoRoot, 'node_modules', '@vladmandic', 'human', 'assets', 'samples.jpg');

function ffmpeg(args: string[]): void {
  const run = spawnSync(ffmpegPath(), ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ffmpeg could not make the test clip: ${run.stderr || run.error?.message}`);
}

/**
 * A short real clip of people, made by the test: the first `seconds` of PETS09 S2.L1 when the
 * evaluation data is present, else the crowd part of samples.jpg panned by ffmpeg (both H.264).
 * @example const { path, source } = makePeopleClip(3);
 */
export function makePeopleClip(seconds: number, fps = 10): { path: string; source: 'pets09' | 'samples.jpg' } {
  const dir = mkdtempSync(join(tmpdir(), 'scouter-clip-'));
  const path = join(dir, 'people.mp4');
  if (existsSync(petsVideo)) {
    ffmpeg(['-i', petsVideo, '-t', String(seconds), '-an', '-r', String(fps), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
    return { path, source: 'pets09' };
  }
  // The crowd photo fills y 380..1158 of the 1280x1158 image; a 640x480 window pans across it.
  const pan = `crop=640:480:x='min(600,t*${Math.round(600 / seconds)})':y=520,scale=480:360`;
  ffmpeg(['-loop', '1', '-framerate', String(fps), '-i', samplesJpg, '-vf', pan, '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
  return { path, source: 'samples.jpg' };
}
