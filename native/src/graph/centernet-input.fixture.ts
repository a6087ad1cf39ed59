// A real photograph as CenterNet input: @vladmandic/human's samples.jpg (installed with the
// model weights), decoded and scaled to 512x512 RGB by ffmpeg, as float32 0..255 NHWC.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { packageDir } from '@sightline/models';
import { join } from 'node:path';
import { ffmpegPath } from '@sightline/media';

export function centernetImage(size = 512): { data: Float32Array; source: string } | { skip: string } {
  let path: string;
  try {
    path = join(packageDir('@vladmandic/human'), 'assets', 'samples.jpg');
  } catch (err) {
    return { skip: (err as Error).message };
  }
  if (!existsSync(path)) return { skip: `${path} is missing` };
  const r = spawnSync(ffmpegPath(), ['-v', 'error', '-i', path, '-vf', `scale=${size}:${size}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) return { skip: `ffmpeg could not decode ${path}: ${r.error?.message ?? r.stderr.toString()}` };
  const bytes = r.stdout as Buffer;
  if (bytes.length !== size * size * 3) return { skip: `ffmpeg returned ${bytes.length} bytes` };
  return { data: Float32Array.from(bytes), source: 'samples.jpg from @vladmandic/human' };
}
