// Preview cost per camera: the persistent ffmpeg JPEG encoder on the same frames at full size
// (the large view) and scaled to the grid width, interleaved so both see the same machine load.
// Prints ms per encode and KB per preview for each, their ratios, and what one camera costs per
// second at the default rates (SCOUTER_PREVIEW_FPS for the grid, SCOUTER_PREVIEW_FOCUS_FPS focused).
import type { VideoFrame } from '@sightline/vision';
import { decodeVideoFrames } from '@sightline/media';
import { loadScouterConfig } from '../src/config.ts';
import { FfmpegJpegEncoder } from '../src/pipeline/jpeg-encoder.ts';
import { makePeopleClip } from '../test-support/clip-fixture.ts';

const FRAMES = Number(process.env.SCOUTER_BENCH_FRAMES ?? 40);
const config = loadScouterConfig({}, {});
const clip = makePeopleClip(5);
const frames: VideoFrame[] = [];
for await (const f of decodeVideoFrames(clip.path, { maxFrames: FRAMES })) frames.push({ ...f, index: frames.length });
console.log(`Preview encode benchmark: ${clip.source === 'pets09' ? 'PETS09 S2.L1' : 'samples.jpg clip (evaluation data absent)'}, ${frames.length} frames of ${frames[0]!.width}x${frames[0]!.height}`);

const full = new FfmpegJpegEncoder();
const grid = new FfmpegJpegEncoder();
const stats = { full: { ms: 0, bytes: 0 }, grid: { ms: 0, bytes: 0 } };
// Warm-up: each encoder starts its ffmpeg once.
await full.encode(frames[0]!);
await grid.encode(frames[0]!, config.previewGridWidth);
for (const frame of frames) {
  let t = performance.now();
  stats.full.bytes += (await full.encode(frame)).length;
  stats.full.ms += performance.now() - t;
  t = performance.now();
  stats.grid.bytes += (await grid.encode(frame, config.previewGridWidth)).length;
  stats.grid.ms += performance.now() - t;
}
full.close();
grid.close();
const per = (s: { ms: number; bytes: number }) => ({ ms: s.ms / frames.length, kb: s.bytes / frames.length / 1024 });
const f = per(stats.full);
const g = per(stats.grid);
console.log(`full size (large view):     ${f.ms.toFixed(1)} ms/encode, ${f.kb.toFixed(1)} KB/preview`);
console.log(`grid (${config.previewGridWidth} px wide):       ${g.ms.toFixed(1)} ms/encode, ${g.kb.toFixed(1)} KB/preview`);
console.log(`ratio full/grid:            ${(f.ms / g.ms).toFixed(2)}x time, ${(f.kb / g.kb).toFixed(2)}x bytes`);
console.log(`per camera per second: grid at ${config.previewFps} fps ${(g.ms * config.previewFps).toFixed(0)} ms of encode, ${(g.kb * config.previewFps).toFixed(0)} KB; focused at ${config.previewFocusFps} fps ${(f.ms * config.previewFocusFps).toFixed(0)} ms, ${(f.kb * config.previewFocusFps).toFixed(0)} KB (wall time including the pipe; ffmpeg runs with -threads 1)`);
