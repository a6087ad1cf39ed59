// Raw RGB frames through a pipe: the direct spawn decode-video.ts uses beside the same decode run
// through fluent-ffmpeg's pipe(), on a 640x360 lavfi clip made here (500 frames), alternating
// runs, medians. Measured equal (x0.82 to x1.38 of direct across runs on a loaded 2-core
// machine), so decode-video keeps the direct spawn: it pauses and resumes ffmpeg's stdout per
// frame, kills the process on abort or maxFrames and reads its exit code, all without
// fluent-ffmpeg's stream wrapper and its "Output stream closed" error when the pipe ends first.
// Run: node --import tsx packages/media/bench/ffmpeg-pipe.bench.ts [runs]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';
import { ffmpegPath, passthroughFrames } from '../src/index.ts';

const RUNS = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'sightline-pipe-bench-'));
const clip = join(dir, 'clip.mp4');
spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=20', '-pix_fmt', 'yuv420p', clip]);

async function direct(): Promise<number> {
  let bytes = 0;
  const child = spawn(ffmpegPath(), ['-v', 'error', '-nostdin', '-i', clip, ...passthroughFrames(), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => (bytes += d.length));
  await new Promise((resolve) => child.on('close', resolve));
  return bytes;
}

async function fluent(): Promise<number> {
  let bytes = 0;
  const command = ffmpeg(clip).setFfmpegPath(ffmpegPath()).inputOptions(['-v', 'error', '-nostdin']).outputOptions([...passthroughFrames(), '-pix_fmt', 'rgb24']).format('rawvideo');
  // fluent-ffmpeg reports "Output stream closed" when the pipe ends before ffmpeg's exit is seen.
  const done = new Promise((resolve, reject) => command.on('end', resolve).on('error', (err: Error) => (err.message === 'Output stream closed' ? resolve(undefined) : reject(err))));
  const out = command.pipe();
  out.on('data', (d: Buffer) => (bytes += d.length));
  await new Promise((resolve) => out.on('end', resolve));
  await done;
  return bytes;
}

const times = { direct: [] as number[], fluent: [] as number[] };
let frames = 0;
for (let i = 0; i < RUNS; i++) {
  for (const [name, run] of [['direct', direct], ['fluent', fluent]] as const) {
    const t0 = performance.now();
    frames = (await run()) / (640 * 360 * 3);
    times[name].push(performance.now() - t0);
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
console.log(`ffmpeg raw-frame pipe, ${frames} frames 640x360 rgb24, median of ${RUNS}:`);
console.log(`  direct spawn          ${median(times.direct).toFixed(0)} ms`);
console.log(`  fluent-ffmpeg pipe()  ${median(times.fluent).toFixed(0)} ms (x${(median(times.fluent) / median(times.direct)).toFixed(2)} of direct)`);
