import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from './decode-image.ts';
import type { VideoFrame } from '@sightline/vision';
import { decodeVideoFrames, probeVideoStream } from './decode-video.ts';
import { ffmpegPath } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-decode-'));
const clip = join(dir, 'clip.mkv');
const W = 64;
const H = 48;

before(() => {
  // 10 distinct frames, lossless so every decode of a frame is bit-identical.
  const made = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=10`, '-frames:v', '10', '-c:v', 'ffv1', clip], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function all(source: string, options: Parameters<typeof decodeVideoFrames>[1] = {}): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for await (const f of decodeVideoFrames(source, options)) frames.push(f);
  return frames;
}

test('probe reports size, rate and frame count', async () => {
  const info = await probeVideoStream(clip);
  assert.deepEqual([info.width, info.height, info.fps, info.frameCount], [W, H, 10, 10]);
});

test('every frame, in order, as tightly packed rgb24; --every keeps the source frame numbers', async () => {
  const frames = await all(clip);
  assert.equal(frames.length, 10);
  assert.deepEqual(frames.map((f) => f.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (const f of frames) assert.deepEqual([f.width, f.height, f.format, f.data.length], [W, H, 'rgb24', W * H * 3]);
  assert.notDeepEqual(frames[0]!.data, frames[1]!.data, 'consecutive test-pattern frames differ');
  const sparse = await all(clip, { every: 3 });
  assert.deepEqual(sparse.map((f) => f.index), [0, 3, 6, 9]);
  for (const f of sparse) assert.deepEqual(f.data, frames[f.index]!.data, `frame ${f.index} differs between the full and the every-3 decode`);
  const first = await all(clip, { every: 2, maxFrames: 2 });
  assert.deepEqual(first.map((f) => f.index), [0, 2]);
});

test('a still image decodes to the same pixels as the first video frame', async () => {
  const png = join(dir, 'first.png');
  assert.equal(spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-i', clip, '-frames:v', '1', png]).status, 0);
  const img = await decodeImageRgb(png);
  const [frame] = await all(clip, { maxFrames: 1 });
  assert.deepEqual(img.data, frame!.data);
  const crop = await decodeImageRgb(png, { crop: [8, 4, 16, 10] });
  assert.deepEqual([crop.width, crop.height], [16, 10]);
  assert.deepEqual(crop.data.subarray(0, 3), img.data.subarray((4 * W + 8) * 3, (4 * W + 8) * 3 + 3));
  await assert.rejects(decodeImageRgb(png, { crop: [60, 0, 10, 10] }), /does not fit inside the 64x48 image/);
});

test('missing and corrupt files are refused with the reason', async () => {
  await assert.rejects(all(join(dir, 'missing.mp4')), /cannot read video .*missing\.mp4/);
  const junk = join(dir, 'junk.mp4');
  writeFileSync(junk, Buffer.alloc(4096, 7));
  await assert.rejects(all(junk), /cannot read video .*junk\.mp4/);
  await assert.rejects(all(clip, { every: 0 }), /every must be a whole number >= 1/);
});

test('aborting stops the decoder', async () => {
  const controller = new AbortController();
  let n = 0;
  for await (const _ of decodeVideoFrames(clip, { signal: controller.signal })) {
    n++;
    controller.abort();
  }
  assert.equal(n, 1, `decoded ${n} frames after aborting at the first`);
});

test('a numbered image folder decodes as one stream, each frame equal to decoding its file alone', async () => {
  const frames = join(dir, 'frames');
  const { extractFrames } = await import('./extract-frames.ts');
  await extractFrames({ input: clip, outDir: frames, step: 1, durationS: 1 });
  const { decodeImageSequence } = await import('./decode-video.ts');
  const { frameFileName } = await import('./extract-frames.ts');
  const got: VideoFrame[] = [];
  // Files 000004.jpg .. 000007.jpg: frames 3..6 of the clip.
  for await (const f of decodeImageSequence(join(frames, '%06d.jpg'), { start: 4, count: 4 })) got.push(f);
  assert.deepEqual(got.map((f) => f.index), [0, 1, 2, 3]);
  for (let i = 0; i < got.length; i++) {
    const alone = await decodeImageRgb(join(frames, frameFileName(3 + i)));
    assert.equal(got[i]!.width, W);
    assert.equal(got[i]!.height, H);
    assert.ok(Buffer.from(got[i]!.data).equals(Buffer.from(alone.data)), `frame file ${frameFileName(3 + i)} differs`);
  }
  await assert.rejects(async () => {
    for await (const f of decodeImageSequence(join(frames, '%06d.jpg'), { start: 400, count: 2 })) void f;
  }, /cannot read image .*000400\.jpg/);
});

test('JPEG bytes through a pipe decode like the same files read as a sequence; a failing source ends the decode with its error', async () => {
  const frames = join(dir, 'frames-piped');
  const { extractFrames, frameFileName } = await import('./extract-frames.ts');
  await extractFrames({ input: clip, outDir: frames, step: 1, durationS: 1 });
  const { decodeImageSequence, decodeJpegStream } = await import('./decode-video.ts');
  const { jpegSize } = await import('./image-size.ts');
  const { readFileSync } = await import('node:fs');
  const files = [4, 5, 6, 7].map((n) => readFileSync(join(frames, frameFileName(n - 1))));
  assert.deepEqual(jpegSize(files[0]!), [W, H]);
  assert.equal(jpegSize(Buffer.from('not a jpeg')), undefined);
  async function* bytes(fail = false): AsyncGenerator<Uint8Array> {
    for (const [i, f] of files.entries()) {
      if (fail && i === 2) throw new Error('Hawk went away');
      yield f;
    }
  }
  const piped: VideoFrame[] = [];
  for await (const f of decodeJpegStream(bytes(), { count: 4 })) piped.push(f);
  const read: VideoFrame[] = [];
  for await (const f of decodeImageSequence(join(frames, '%06d.jpg'), { start: 4, count: 4 })) read.push(f);
  assert.deepEqual(piped.map((f) => f.index), [0, 1, 2, 3]);
  for (let i = 0; i < 4; i++) assert.ok(Buffer.from(piped[i]!.data).equals(Buffer.from(read[i]!.data)), `piped frame ${i} differs from file ${frameFileName(3 + i)}`);
  await assert.rejects(async () => {
    for await (const f of decodeJpegStream(bytes(true), { count: 4 })) void f;
  }, /Hawk went away/);
});
