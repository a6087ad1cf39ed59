// NanoDet-g (fetched weights, converted here) on the real photos shipped in @vladmandic/human: its
// BGR mean/std input and GFL decode find the people CenterNet finds, at the same places. Skips with
// the reason when the weights were not fetched (`npx sightline models fetch nanodet`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import { boxIou } from '@sightline/vision';
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
