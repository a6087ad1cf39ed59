// The ffmpeg, ffprobe and Chromium that `npm install` brings, forced even where system ones exist,
// so a machine with only Node.js runs everything the project needs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bundledToolPath, findOnPath, mediaTool } from '@sightline/media';
import { launchBrowser } from './support/browser.ts';

const work = mkdtempSync(join(tmpdir(), 'sightline-bundled-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('without ffmpeg on PATH, the media tools resolve to the npm packages\' static builds', () => {
  const env = { PATH: work }; // A PATH with no ffmpeg in it.
  assert.equal(findOnPath('ffmpeg', work), undefined);
  for (const name of ['ffmpeg', 'ffprobe'] as const) {
    const tool = mediaTool(name, env);
    assert.equal(tool.source, 'bundled', `${name} came from ${tool.source}`);
    assert.equal(tool.path, bundledToolPath(name));
    assert.match(tool.path, /node_modules/);
  }
});

test('FFMPEG_PATH and FFPROBE_PATH win over everything', () => {
  const tool = mediaTool('ffmpeg', { FFMPEG_PATH: '/opt/ffmpeg/bin/ffmpeg', PATH: '' });
  assert.deepEqual(tool, { name: 'ffmpeg', path: '/opt/ffmpeg/bin/ffmpeg', source: 'env' });
});

test('the bundled ffmpeg and ffprobe do every job the project gives them', async (t) => {
  const ffmpeg = bundledToolPath('ffmpeg');
  const ffprobe = bundledToolPath('ffprobe');
  assert.ok(ffmpeg && ffprobe, 'the bundled binaries are installed');
  const run = (bin: string, args: string[]) => spawnSync(bin, args, { encoding: 'buffer', maxBuffer: 64 << 20 });
  // Encoders the tests and fixtures use (lavfi sources, H.264, FFV1) and the live JPEG previews.
  const mp4 = join(work, 'clip.mp4');
  const made = run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', mp4]);
  assert.equal(made.status, 0, made.stderr.toString());
  assert.equal(run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=10', '-frames:v', '3', '-c:v', 'ffv1', join(work, 'clip.mkv')]).status, 0);

  // The package's own code paths, with the bundled binaries forced through the settings.
  const saved = { ffmpeg: process.env.FFMPEG_PATH, ffprobe: process.env.FFPROBE_PATH };
  process.env.FFMPEG_PATH = ffmpeg;
  process.env.FFPROBE_PATH = ffprobe;
  t.after(() => {
    for (const [key, value] of [['FFMPEG_PATH', saved.ffmpeg], ['FFPROBE_PATH', saved.ffprobe]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  const { probeVideo, extractFrames, decodeVideoFrames, decodeImageRgb } = await import('@sightline/media');
  const probe = await probeVideo(mp4);
  assert.equal(probe.width, 96);
  assert.equal(probe.height, 64);
  assert.equal(probe.frameCount, 10);

  const framesDir = join(work, 'frames');
  await extractFrames({ input: mp4, outDir: framesDir, step: 1, durationS: probe.durationS });
  const jpegs = readdirSync(framesDir).filter((f) => f.endsWith('.jpg'));
  assert.equal(jpegs.length, 10);

  let decoded = 0;
  for await (const frame of decodeVideoFrames(mp4)) {
    assert.equal(frame.data.length, 96 * 64 * 3);
    decoded++;
  }
  assert.equal(decoded, 10);

  const image = await decodeImageRgb(join(framesDir, jpegs[0]!));
  assert.equal(image.width, 96);
  assert.equal(image.height, 64);

  // JPEG previews: raw RGB in, MJPEG out (what Scouter's preview encoder asks of ffmpeg).
  const jpeg = spawnSync(ffmpeg, ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '96x64', '-i', '-', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-'], { input: Buffer.alloc(96 * 64 * 3, 128) });
  assert.equal(jpeg.status, 0);
  assert.deepEqual([...jpeg.stdout.subarray(0, 2)], [0xff, 0xd8]);
});

test('the bundled Chromium renders text and canvas', { timeout: 180_000 }, async () => {
  const chromium = await launchBrowser({ bundled: true });
  try {
    assert.equal(chromium.source, 'bundled');
    const page = await chromium.browser.newPage();
    await page.setContent('<p id="t">Sightline</p><canvas id="c" width="20" height="20"></canvas><script>const g=document.getElementById("c").getContext("2d");g.fillStyle="rgb(0,128,255)";g.fillRect(0,0,20,20);</script>');
    assert.equal(await page.textContent('#t'), 'Sightline');
    const box = await page.locator('#t').boundingBox();
    assert.ok(box && box.width > 20, 'the text was laid out with a real font');
    const pixel = await page.evaluate(() => [...(document.getElementById('c') as HTMLCanvasElement).getContext('2d')!.getImageData(5, 5, 1, 1).data]);
    assert.deepEqual(pixel, [0, 128, 255, 255]);
  } finally {
    await chromium.close();
  }
});
