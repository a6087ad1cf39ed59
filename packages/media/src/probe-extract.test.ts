// probeVideo and extractFrames through fluent-ffmpeg on real ffmpeg: what a good file reports,
// how bad input is refused (in words a user can act on), and frame extraction with progress.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { extractFrames, frameFileName } from './extract-frames.ts';
import { ffmpegPath } from './media-tools.ts';
import { probeVideo, ProbeError } from './probe.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-probe-'));
const clip = join(dir, 'clip.mp4');
const image = join(dir, 'still.png');
const text = join(dir, 'notes.mp4');

before(() => {
  // 3 s at 10 fps: 30 frames.
  const made = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10', '-frames:v', '30', '-pix_fmt', 'yuv420p', clip], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const still = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=32x32', '-frames:v', '1', image], { encoding: 'utf8' });
  assert.equal(still.status, 0, still.stderr);
  writeFileSync(text, 'not a video at all\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('probeVideo reports geometry, rate, length and frame count', async () => {
  const p = await probeVideo(clip);
  assert.deepEqual({ width: p.width, height: p.height, fps: p.fps, frameCount: p.frameCount }, { width: 96, height: 64, fps: 10, frameCount: 30 });
  // The encoder mp4 gets depends on the ffmpeg build (system or bundled); the name must be ffprobe's.
  assert.match(p.codec, /^[a-z0-9_]+$/);
  assert.notEqual(p.codec, 'unknown');
  assert.ok(Math.abs(p.durationS - 3) < 0.05, `duration ${p.durationS}`);
  assert.match(p.formatName, /mp4/);
});

const refusals: { name: string; path: () => string; message: RegExp }[] = [
  { name: 'a text file', path: () => text, message: /^not a readable video \(ffprobe: .+\)$/ },
  { name: 'a still image', path: () => image, message: /is an image/ },
  { name: 'a missing file', path: () => join(dir, 'gone.mp4'), message: /^not a readable video \(ffprobe: .*No such file/ },
];
for (const c of refusals) {
  test(`probeVideo refuses ${c.name} with a ProbeError`, async () => {
    await assert.rejects(probeVideo(c.path()), (err: Error) => {
      assert.ok(err instanceof ProbeError, `${err.name}: ${err.message}`);
      assert.match(err.message, c.message);
      assert.doesNotMatch(err.message, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the server path is not shown');
      return true;
    });
  });
}

test('probeVideo says how to get ffprobe when it cannot run', async () => {
  const saved = process.env.FFPROBE_PATH;
  process.env.FFPROBE_PATH = join(dir, 'no-ffprobe-here');
  try {
    await assert.rejects(probeVideo(clip), /ffprobe could not run .*FFPROBE_PATH/);
  } finally {
    if (saved === undefined) delete process.env.FFPROBE_PATH;
    else process.env.FFPROBE_PATH = saved;
  }
  assert.equal((await probeVideo(clip)).frameCount, 30, 'the next probe uses the resolved ffprobe again');
});

test('extractFrames writes every step-th frame and reports progress up to the end', async () => {
  const outDir = join(dir, 'frames');
  const shares: number[] = [];
  const written = await extractFrames({ input: clip, outDir, step: 4, durationS: 3, onProgress: (s) => shares.push(s) });
  // Frames 0, 4, ..., 28: 8 files.
  assert.equal(written, 8);
  assert.deepEqual(readdirSync(outDir).sort(), Array.from({ length: 8 }, (_, i) => frameFileName(i)));
  assert.ok(shares.length > 0, 'progress was reported');
  assert.ok(shares.every((s, i) => s >= 0 && s <= 1 && (i === 0 || s >= shares[i - 1]!)), `progress in order within 0..1: ${shares.join(', ')}`);
  assert.ok(shares.at(-1)! > 0.9, `last progress ${shares.at(-1)}`);
});

test('extractFrames fails with ffmpeg\'s reason for a file it cannot decode', async () => {
  await assert.rejects(extractFrames({ input: text, outDir: join(dir, 'bad'), step: 1, durationS: 1 }), /^Error: ffmpeg failed to extract frames \(exit \d+\): .+/);
});
