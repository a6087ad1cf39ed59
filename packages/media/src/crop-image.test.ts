// cropImageJpeg on real ffmpeg: the cut keeps the box's place and shape, and a box outside the
// image is refused in words.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cropImageJpeg } from './crop-image.ts';
import { decodeImageRgb } from './decode-image.ts';
import { ffmpegPath } from './media-tools.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-crop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a box is cut with its margin, scaled to the height asked, and a box outside is refused', async () => {
  // 200x100: black, with a white 40x80 block at x 120..160, y 10..90.
  const image = join(dir, 'frame.png');
  const made = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=black:size=200x100', '-vf', 'drawbox=x=120:y=10:w=40:h=80:color=white:t=fill', '-frames:v', '1', image], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const jpeg = await cropImageJpeg(image, [120, 10, 160, 90], { margin: 0.1, height: 96 });
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
  const path = join(dir, 'crop.jpg');
  writeFileSync(path, jpeg);
  const crop = await decodeImageRgb(path);
  // The 48x96 cut (4 px and 8 px of margin each side) keeps its 1:2 shape at 96 px high.
  assert.deepEqual([crop.width, crop.height], [48, 96]);
  const luma = (x: number, y: number) => crop.data[(y * crop.width + x) * 3]!;
  assert.ok(luma(24, 48) > 200, 'the box is in the middle');
  assert.ok(luma(2, 48) < 50 && luma(24, 2) < 50, 'the margin shows what is around it');
  await assert.rejects(cropImageJpeg(image, [300, 10, 340, 90]), /not inside the 200x100 image/);
});
