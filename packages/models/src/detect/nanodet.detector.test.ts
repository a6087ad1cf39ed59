// NanoDet-g (fetched weights, converted here) on the real photos shipped in @vladmandic/human: its
// BGR mean/std input and GFL decode find the people CenterNet finds, at the same places, and its
// stride-8 map serves the appearance cue. Skips with
// the reason when the weights were not fetched (`npx sightline models fetch nanodet`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import { boxIou, type Frame } from '@sightline/vision';
import { embedFrameBoxes } from '../attributes/box-embedding.ts';
import { assertSelfClosest, movedPairs, onCanvas } from '../attributes/moved-people.fixture.ts';
import { packageDir, weightsMissing } from '../registry/model-cache.ts';
import { CenterNetDetector } from './centernet.detector.ts';
import { createDetector } from './create-detector.ts';
import type { ObjectDetector } from './object-detector.ts';

const samples = `${packageDir('@vladmandic/human')}/assets/samples.jpg`;
const missing = weightsMissing('nanodet');

let nanodet: ObjectDetector;
let centernet: CenterNetDetector;
before(async () => {
  if (missing) return;
  nanodet = await createDetector('nanodet', { classIds: [0], scoreThreshold: 0.3, threads: 2 });
  centernet = await CenterNetDetector.create({ classIds: [0], scoreThreshold: 0.3, threads: 2 });
});
after(async () => {
  await nanodet?.release();
  await centernet?.release();
});

const thumbnails: { name: string; crop: [number, number, number, number] }[] = [
  { name: 'standing woman, white background', crop: [0, 0, 156, 160] },
  { name: 'man at a table', crop: [324, 0, 212, 160] },
  { name: 'woman in a purple dress', crop: [796, 0, 108, 160] },
];

for (const { name, crop } of thumbnails) {
  test(`nanodet finds the person CenterNet finds: ${name}`, { skip: missing }, async () => {
    const img = await decodeImageRgb(samples, { crop });
    const n = await nanodet.detect(img);
    const c = await centernet.detect(img);
    assert.ok(n.length >= 1 && c.length >= 1, `nanodet ${n.length}, centernet ${c.length} people`);
    assert.ok(n.confidence[0]! >= 0.35, `best nanodet score ${n.confidence[0]}`);
    assert.equal(n.classId[0], 0);
    const overlap = boxIou(n.box(0), 0, c.box(0), 0);
    assert.ok(overlap >= 0.6, `nanodet ${n.box(0).map(Math.round)} vs centernet ${c.box(0).map(Math.round)}: IoU ${overlap.toFixed(2)}`);
  });
}

test('nanodet: the registry card runs through the backend selection under its own name', { skip: missing }, () => {
  assert.equal(nanodet.name, 'nanodet');
  assert.equal(nanodet.backend.model, 'nanodet');
  assert.equal(nanodet.classes[0], 'person');
});

test('nanodet: its stride-8 map tells the same person moved from everyone else, the boxes those of a plain pass', { skip: missing }, async () => {
  assert.equal(nanodet.hasAppearanceMap, true);
  assert.equal(nanodet.hasFeatures, false, 'trained heads pool CenterNet\'s map only');
  const strip = await decodeImageRgb(samples, { crop: [0, 0, 960, 160] });
  // Frame B: the strip 48 px right and 24 px down.
  // NanoDet stretches its input to a square: a 4:3 canvas keeps people near their shape.
  const frames = [onCanvas(strip, 1024, 768, 0, 300), onCanvas(strip, 1024, 768, 48, 324)];
  const plain = await nanodet.detect(frames[1]!);
  async function* both(): AsyncGenerator<Frame> {
    yield* frames;
  }
  const passes = [];
  for await (const pass of nanodet.detectStream(both(), { withFeatures: () => 'source' })) passes.push(pass);
  const [a, b] = passes as [(typeof passes)[0], (typeof passes)[0]];
  assert.deepEqual(Array.from(b.detections.xyxy), Array.from(plain.xyxy), 'fetching the map changed the boxes');
  assert.equal(b.features?.featureStride, 8);
  assert.deepEqual(b.features?.features.shape, [1, 52, 52, 128]);
  const embed = (p: typeof a): Float32Array[] => embedFrameBoxes(p.features!, p.detections.xyxy);
  const rawA = embed(a);
  assert.ok(rawA.every((e) => e.length === 384 && e.some((v) => v !== 0)));
  const pairs = movedPairs(a.detections, b.detections, 48, 24);
  assert.ok(pairs.length >= 3, `only ${pairs.length} people found in both frames (A ${a.detections.length}, B ${b.detections.length})`);
  assertSelfClosest(rawA, embed(b), pairs);
});
