// Batched CenterNet passes against single passes on real photos (crops of @vladmandic/human's
// samples.jpg, decoded by ffmpeg): the same boxes, scores and feature maps from one network run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import type { Detections, Frame } from '@sightline/vision';
import { nativeCuda } from '../backend/native-cuda.backend.ts';
import { modelRuns } from '../backend/select-backend.ts';
import { packageDir } from '../registry/model-cache.ts';
import { CenterNetDetector } from './centernet.detector.ts';

const samples = `${packageDir('@vladmandic/human')}/assets/samples.jpg`;
let detector: CenterNetDetector;
// Four 4:3 crops of the photo grid with people in them (one input shape: 512x384).
const crops: [number, number, number, number][] = [
  [0, 0, 320, 240],
  [320, 0, 320, 240],
  [640, 400, 320, 240],
  [200, 700, 320, 240],
];
let frames: Frame<'rgb24'>[];

before(async () => {
  detector = await CenterNetDetector.create({ scoreThreshold: 0.2, classIds: [0], threads: 2 });
  frames = await Promise.all(crops.map((crop) => decodeImageRgb(samples, { crop })));
});
after(async () => detector.release());

/** Same boxes in the same order within float tolerance (box 0.01 px, score 1e-4). */
function assertSame(got: Detections, want: Detections, what: string): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} boxes batched vs ${want.length} single`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got.confidence[i]! - want.confidence[i]!) <= 1e-4, `${what} box ${i}: score ${got.confidence[i]} vs ${want.confidence[i]}`);
    assert.equal(got.classId[i], want.classId[i]);
    got.box(i).forEach((v, k) => assert.ok(Math.abs(v - want.box(i)[k]!) <= 0.01, `${what} box ${i}: ${got.box(i)} vs ${want.box(i)}`));
  }
}

test('a batch of 2, 3 and 4 frames gives each frame the detections of its own single pass, from one network run', async () => {
  const single: Detections[] = [];
  for (const f of frames) single.push(await detector.detect(f));
  assert.ok(single.reduce((n, d) => n + d.length, 0) >= 4, `the crops should hold people: ${single.map((d) => d.length)}`);
  for (const n of [2, 3, 4]) {
    const before = modelRuns().centernet ?? 0;
    const batched = await detector.detectBatch(frames.slice(0, n));
    assert.equal((modelRuns().centernet ?? 0) - before, 1, `one network pass for ${n} frames`);
    batched.forEach((b, i) => assertSame(b.detections, single[i]!, `batch ${n} frame ${i}`));
  }
});

test('frames that ask for the feature map get their own slice of it, equal to a single pass with features', async () => {
  // A fixed input size: frames with and without the map run at one shape and may share a pass.
  const square = await CenterNetDetector.create({ scoreThreshold: 0.2, classIds: [0], threads: 2, inputSize: [512, 512] });
  after(() => square.release());
  const [a, b, c] = frames;
  const batched = await square.detectBatch([a!, b!, c!], { withFeatures: (f) => f !== b });
  assert.equal(batched[1]!.features, undefined, 'a frame that did not ask gets no map');
  assertSame(batched[1]!.detections, await square.detect(b!), 'frame without features');
  for (const i of [0, 2]) {
    const single = await square.detectWithFeatures(frames[i]!);
    const got = batched[i]!.features!;
    assert.deepEqual(got.features.shape, single.features.shape);
    assert.deepEqual(got.mapping, single.mapping);
    let worst = 0;
    for (let k = 0; k < single.features.data.length; k++) worst = Math.max(worst, Math.abs(got.features.data[k]! - single.features.data[k]!));
    assert.ok(worst <= 1e-3, `frame ${i}: feature map differs by up to ${worst}`);
    assertSame(batched[i]!.detections, single.detections, `features frame ${i}`);
  }
});

test('frames of two input shapes never share a pass: runBatch refuses them', async () => {
  const wide = await decodeImageRgb(samples, { crop: [0, 0, 640, 240] });
  assert.notDeepEqual(detector.passShape(wide), detector.passShape(frames[0]!));
  const inputs = await Promise.all([detector.prepareForBatch(frames[0]!), detector.prepareForBatch(wide)]);
  await assert.rejects(detector.runBatch(inputs), /one input shape/);
});

test('the native engine runs the batched pass (its CUDA kernels emulated on the CPU) with the detections of onnxruntime single passes', async () => {
  // A small input keeps the emulation quick; both detectors run at it.
  const inputSize = [224, 288] as const;
  const emulated = await CenterNetDetector.create({ scoreThreshold: 0.2, classIds: [0], inputSize, backend: nativeCuda({ emulate: true }) });
  const cpu = await CenterNetDetector.create({ scoreThreshold: 0.2, classIds: [0], inputSize, threads: 2, backendChoice: 'onnxruntime' });
  try {
    const batched = await emulated.detectBatch(frames.slice(0, 2));
    for (const [i, b] of batched.entries()) assertSame(b.detections, await cpu.detect(frames[i]!), `emulated batch frame ${i}`);
  } finally {
    await emulated.release();
    await cpu.release();
  }
});
