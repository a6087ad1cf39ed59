import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { packageDir } from '@sightline/models';
import { parseAppearance, parseCameraMotion, parseMot } from '@sightline/vision';
import { ffmpegPath } from '@sightline/media';
// The generated test detectors of packages/models (a test fixture, not part of its public API).
import { columnsTensor, fixtureDetector } from '../../../models/src/detect/detector-models.fixture.ts';

const bin = fileURLToPath(new URL('../../../../bin/sightline.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sightline-detect-'));
const clip = join(dir, 'people.mp4');
const WIDTH = 480;
const HEIGHT = 170;

before(() => {
  // Six frames panning across the real person thumbnails at the top of samples.jpg.
  const samples = join(packageDir('@vladmandic/human'), 'assets', 'samples.jpg');
  const made = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-loop', '1', '-i', samples, '-vf', `crop=${WIDTH}:${HEIGHT}:n*30:0`, '-frames:v', '6', '-r', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function sightline(...args: string[]) {
  return spawnSync(process.execPath, [bin, 'detect', ...args], { encoding: 'utf8', env: { ...process.env, SIGHTLINE_INFERENCE_THREADS: '2' } });
}

test('detect writes MOTChallenge rows for every N-th frame with 1-based frame numbers', () => {
  const out = join(dir, 'det.txt');
  const run = sightline('--video', clip, '--out', out, '--every', '2');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /3 frames of 480x170/);
  const rows = parseMot(readFileSync(out, 'utf8'), out);
  assert.deepEqual([...new Set(rows.map((r) => r.frame))].sort(), [1, 3, 5]);
  for (const r of rows) {
    assert.equal(r.id, -1);
    assert.ok(r.conf >= 0.3 && r.conf <= 1, `score ${r.conf} in column 7`);
    assert.ok(r.x >= 1 && r.y >= 1 && r.x - 1 + r.w <= WIDTH + 1e-3 && r.y - 1 + r.h <= HEIGHT + 1e-3, `box ${r.x},${r.y},${r.w},${r.h} outside the frame`);
  }
  for (const frame of [1, 3, 5]) assert.ok(rows.some((r) => r.frame === frame && r.conf >= 0.4 && r.h >= HEIGHT / 2), `no confident person in frame ${frame}`);
});

test('--tiles merges tile detections into the same row format', () => {
  const out = join(dir, 'tiled.txt');
  const run = sightline('--video', clip, '--out', out, '--every', '3', '--tiles');
  assert.equal(run.status, 0, run.stderr);
  const rows = parseMot(readFileSync(out, 'utf8'), out);
  assert.deepEqual([...new Set(rows.map((r) => r.frame))].sort(), [1, 4]);
  const plain = parseMot(readFileSync(join(dir, 'det.txt'), 'utf8'), 'det.txt').filter((r) => r.frame === 1);
  assert.ok(rows.filter((r) => r.frame === 1).length >= plain.length, 'tiling lost detections of frame 1');
});

test('bad input is refused with the reason, and an existing output is kept', () => {
  const out = join(dir, 'keep.txt');
  writeFileSync(out, 'previous results\n');
  const cases: { args: string[]; status: number; message: RegExp }[] = [
    { args: ['--video', join(dir, 'missing.mp4'), '--out', out], status: 1, message: /cannot read video .*missing\.mp4/ },
    { args: ['--video', clip, '--out', out, '--classes', 'person,unicorn'], status: 2, message: /unknown class "unicorn" in --classes; centernet has person/ },
    { args: ['--video', clip, '--out', out, '--every', '1.5'], status: 2, message: /--every must be a whole number/ },
    { args: ['--video', clip, '--out', out, '--model', 'yolo'], status: 2, message: /--model must be one of centernet, nanodet or a detector card \(\.json\)/ },
    { args: ['--video', clip], status: 2, message: /--out <det.txt> is required/ },
  ];
  for (const c of cases) {
    const run = sightline(...c.args);
    assert.equal(run.status, c.status, `${c.args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, c.message);
  }
  assert.equal(readFileSync(out, 'utf8'), 'previous results\n');
  assert.ok(!existsSync(join(dir, 'missing.mp4')));
});

test('--model <card.json> runs a user ONNX detector described by its card', () => {
  // A YOLOv8-layout model whose output is one person box at the centre of its 64x64 input.
  const boxes = columnsTensor([[32, 32, 20, 20, 0.9, 0], [20, 32, 8, 8, 0, 0.8]], 2, 6);
  writeFileSync(join(dir, 'tiny.onnx'), fixtureDetector({ size: [64, 64], layout: 'nchw', outputs: [{ name: 'output0', dims: [1, 6, 2], values: boxes }] }));
  const card = join(dir, 'tiny.card.json');
  writeFileSync(card, JSON.stringify({
    name: 'tiny', model: 'tiny.onnx', classes: ['person', 'car'],
    input: { size: [64, 64], layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: true, pad: 114 },
    decode: { format: 'yolov8' },
  }));
  const out = join(dir, 'card.txt');
  const run = sightline('--video', clip, '--out', out, '--model', card, '--every', '3');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^tiny: 2 frames of 480x170/);
  const rows = parseMot(readFileSync(out, 'utf8'), out);
  // Only the person (default --classes person); the 64x64 input holds the 480-wide frame at 64/480.
  assert.equal(rows.length, 2);
  const s = 64 / WIDTH;
  for (const r of rows) {
    assert.ok(Math.abs(r.x - 1 - 22 / s) < 2 && Math.abs(r.w - 20 / s) < 2, `x ${r.x} w ${r.w}`);
    // The image sits on whole input rows (23 rows at 20..42 for 170 * 64 / 480 = 22.7), so the
    // vertical scale is 23 / 170 and the centre moves by up to half an input row (3.7 frame rows).
    assert.ok(Math.abs(r.y - 1 + r.h / 2 - HEIGHT / 2) < 4 && Math.abs(r.h - (20 * HEIGHT) / 23) < 1, `y ${r.y} h ${r.h}`);
    assert.ok(Math.abs(r.conf - 0.9) < 1e-6);
  }
  const cars = sightline('--video', clip, '--out', out, '--model', card, '--classes', 'car,person');
  assert.equal(cars.status, 0, cars.stderr);
  assert.equal(parseMot(readFileSync(out, 'utf8'), out).filter((r) => r.frame === 1).length, 2);
  const bad = sightline('--video', clip, '--out', out, '--model', card, '--classes', 'bus');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown class "bus" in --classes; tiny has person, car/);
  const broken = join(dir, 'broken.card.json');
  writeFileSync(broken, JSON.stringify({ name: 'broken', model: 'tiny.onnx', classes: 'coco', input: { size: [64, 64], layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: true }, decode: { format: 'yolov5' } }));
  const mismatch = sightline('--video', clip, '--out', out, '--model', broken);
  assert.equal(mismatch.status, 1);
  assert.match(mismatch.stderr, /detector broken: decode yolov5 expects output0 of shape \[1, N, 85\]/);
});

test('--motion writes the camera motion between frames that track --motion reads', () => {
  // A camera panning over the photo: the scene moves 6 px left and 2 px up each frame.
  const samples = join(packageDir('@vladmandic/human'), 'assets', 'samples.jpg');
  const panned = join(dir, 'panned.mkv');
  const made = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-loop', '1', '-framerate', '10', '-i', samples, '-vf', 'crop=480:270:100+n*6:400+n*2', '-frames:v', '5', '-c:v', 'ffv1', panned], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const out = join(dir, 'panned-det.txt');
  const motionFile = join(dir, 'panned-motion.txt');
  const run = sightline('--video', panned, '--out', out, '--motion', motionFile);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /camera motion written to/);
  const motion = parseCameraMotion(readFileSync(motionFile, 'utf8'), motionFile);
  assert.deepEqual([...motion.keys()], [1, 2, 3, 4, 5]);
  assert.deepEqual(motion.get(1), [1, 0, 0, 0, 1, 0], 'the first frame has no motion');
  for (const frame of [2, 3, 4, 5]) {
    const [a, b, tx, c, d, ty] = motion.get(frame)!;
    assert.ok(Math.abs(tx + 6) < 0.5 && Math.abs(ty + 2) < 0.5 && Math.abs(a - 1) < 0.01 && Math.abs(d - 1) < 0.01 && Math.abs(b) < 0.01 && Math.abs(c) < 0.01, `frame ${frame}: ${motion.get(frame)}`);
  }
});

test('--appearance writes one embedding per detection from the same pass, the boxes unchanged', () => {
  const plainOut = join(dir, 'plain-det.txt');
  const plain = sightline('--video', clip, '--out', plainOut);
  assert.equal(plain.status, 0, plain.stderr);
  const out = join(dir, 'app-det.txt');
  const appearanceFile = join(dir, 'app.txt');
  const run = sightline('--video', clip, '--out', out, '--appearance', appearanceFile);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /appearance embeddings written to .*app\.txt/);
  // The map is fetched at the shape the boxes run at: the detections are those of a plain run.
  assert.equal(readFileSync(out, 'utf8'), readFileSync(plainOut, 'utf8'));
  const rows = parseMot(readFileSync(out, 'utf8'), out);
  assert.ok(rows.length >= 6, `only ${rows.length} detections`);
  const embeddings = parseAppearance(readFileSync(appearanceFile, 'utf8'), appearanceFile);
  for (let frame = 1; frame <= 6; frame++) {
    const n = rows.filter((r) => r.frame === frame).length;
    assert.equal(embeddings.get(frame)?.length ?? 0, n, `frame ${frame}`);
    for (const e of embeddings.get(frame) ?? []) assert.ok(e.length === 384 && e.some((v) => v !== 0), `frame ${frame}: an embedding of ${e.length} values`);
  }

  // With --tiles every merged box (tile boxes too) pools the whole frame's map; the boxes are those of plain tiling.
  const tiledPlain = join(dir, 'tiled-plain.txt');
  assert.equal(sightline('--video', clip, '--out', tiledPlain, '--tiles').status, 0);
  const tiledOut = join(dir, 'tiled-app-det.txt');
  const tiledAppearance = join(dir, 'tiled-app.txt');
  const tiled = sightline('--video', clip, '--out', tiledOut, '--appearance', tiledAppearance, '--tiles');
  assert.equal(tiled.status, 0, tiled.stderr);
  assert.equal(readFileSync(tiledOut, 'utf8'), readFileSync(tiledPlain, 'utf8'));
  const tiledRows = parseMot(readFileSync(tiledOut, 'utf8'), tiledOut);
  assert.ok(tiledRows.length > rows.length, `tiles found ${tiledRows.length} boxes, the whole frame ${rows.length}`);
  const tiledEmbeddings = parseAppearance(readFileSync(tiledAppearance, 'utf8'), tiledAppearance);
  for (let frame = 1; frame <= 6; frame++) {
    const n = tiledRows.filter((r) => r.frame === frame).length;
    assert.equal(tiledEmbeddings.get(frame)?.length ?? 0, n, `tiled frame ${frame}`);
    for (const e of tiledEmbeddings.get(frame) ?? []) assert.ok(e.length === 384 && e.some((v) => v !== 0));
  }

  // Refused: a detector without a map.
  const refusedOut = join(dir, 'refused.txt');
  const boxes = columnsTensor([[32, 32, 20, 20, 0.9]], 1, 5);
  writeFileSync(join(dir, 'mapless.onnx'), fixtureDetector({ size: [64, 64], layout: 'nchw', outputs: [{ name: 'output0', dims: [1, 5, 1], values: boxes }] }));
  const card = join(dir, 'mapless.card.json');
  writeFileSync(card, JSON.stringify({ name: 'mapless', model: 'mapless.onnx', classes: ['person'], input: { size: [64, 64], layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: true }, decode: { format: 'yolov8' } }));
  const mapless = sightline('--video', clip, '--out', refusedOut, '--appearance', join(dir, 'x.txt'), '--model', card);
  assert.equal(mapless.status, 2);
  assert.match(mapless.stderr, /--appearance pools the detector's own feature map; mapless names none \(use --model centernet or nanodet, or give the card an "appearance" output\)/);
  assert.ok(!existsSync(refusedOut) && !existsSync(join(dir, 'x.txt')));
});

test('--appearance with a card pools the map its "appearance" names: bands x the map\'s channels per detection', () => {
  // One box a frame; an 8-channel stride-4 map, each channel a constant, so every embedding is known.
  const boxes = columnsTensor([[32, 32, 20, 20, 0.9]], 1, 5);
  const map = Float32Array.from({ length: 8 * 16 * 16 }, (_, k) => Math.floor(k / 256) + 1);
  writeFileSync(join(dir, 'mapped.onnx'), fixtureDetector({ size: [64, 64], layout: 'nchw', outputs: [{ name: 'output0', dims: [1, 5, 1], values: boxes }, { name: 'p3', dims: [1, 8, 16, 16], values: map }] }));
  const card = join(dir, 'mapped.card.json');
  writeFileSync(card, JSON.stringify({ name: 'mapped', model: 'mapped.onnx', classes: ['person'], input: { size: [64, 64], layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: true }, decode: { format: 'yolov8' }, appearance: { output: 'p3', stride: 4, layout: 'nchw' } }));
  const out = join(dir, 'mapped-det.txt');
  const appearanceFile = join(dir, 'mapped-app.txt');
  const run = sightline('--video', clip, '--out', out, '--appearance', appearanceFile, '--model', card);
  assert.equal(run.status, 0, run.stderr);
  const embeddings = parseAppearance(readFileSync(appearanceFile, 'utf8'), appearanceFile);
  assert.deepEqual([...embeddings.keys()], [1, 2, 3, 4, 5, 6]);
  for (const [frame, list] of embeddings) {
    assert.equal(list.length, 1, `frame ${frame}`);
    // 3 bands x 8 channels; channel c of every band is c + 1.
    assert.deepEqual(Array.from(list[0]!, (v) => Math.round(v * 1000) / 1000), [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
  }
});
