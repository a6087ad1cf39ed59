// Appearance embeddings on a real CenterNet pass over the real photo shipped in @vladmandic/human
// (assets/samples.jpg): the same people, moved, keep their embeddings closer to each other than
// to anyone else once the common part is removed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import type { Frame } from '@sightline/vision';
import { CenterNetDetector } from '../detect/centernet.detector.ts';
import { packageDir } from '../registry/model-cache.ts';
import { boxEmbeddingLength, embedBoxes } from './box-embedding.ts';
import { assertSelfClosest, movedPairs, onCanvas } from './moved-people.fixture.ts';

const samples = `${packageDir('@vladmandic/human')}/assets/samples.jpg`;
let detector: CenterNetDetector;
let strip: Frame<'rgb24'>;

before(async () => {
  // Shaped to the source, as `sightline detect` and Scouter run it.
  detector = await CenterNetDetector.create({ scoreThreshold: 0.4, classIds: [0], threads: 2 });
  // The photo's top row: single people side by side.
  strip = await decodeImageRgb(samples, { crop: [0, 0, 960, 160] });
});
after(async () => detector.release());

test("a pass at the source's shape gives the detections of a plain pass, and one embedding per box", async () => {
  const frame = onCanvas(strip, 1024, 240, 0, 40);
  const plain = await detector.detect(frame);
  const { detections, features, mapping } = await detector.detectWithFeatures(frame, { at: 'source' });
  assert.deepEqual(Array.from(detections.xyxy), Array.from(plain.xyxy), 'fetching the map changed the boxes');
  assert.deepEqual(features.shape.slice(1), [detector.shapeFor(frame)[0] / 4, detector.shapeFor(frame)[1] / 4, 128]);
  const embeddings = embedBoxes(features, detections.xyxy, mapping);
  assert.equal(embeddings.length, detections.length);
  for (const e of embeddings) {
    assert.equal(e.length, boxEmbeddingLength(128));
    assert.ok(e.every(Number.isFinite) && e.some((v) => v !== 0), 'an embedding is empty or not finite');
  }
  assert.deepEqual(embedBoxes(features, new Float32Array(0), mapping), []);
});

test('the same person moved is closer to themself than to anyone else, once centred', async () => {
  // Frame A: the strip on a canvas; frame B: the same strip 48 px right and 24 px down.
  const a = onCanvas(strip, 1024, 240, 0, 20);
  const b = onCanvas(strip, 1024, 240, 48, 44);
  const passA = await detector.detectWithFeatures(a, { at: 'source' });
  const passB = await detector.detectWithFeatures(b, { at: 'source' });
  const rawA = embedBoxes(passA.features, passA.detections.xyxy, passA.mapping);
  const rawB = embedBoxes(passB.features, passB.detections.xyxy, passB.mapping);
  // Who is who: a box of A moved by the shift overlaps its person's box in B.
  const pairs = movedPairs(passA.detections, passB.detections, 48, 24);
  assert.ok(pairs.length >= 3, `only ${pairs.length} people found in both frames (A ${passA.detections.length}, B ${passB.detections.length})`);

  assertSelfClosest(rawA, rawB, pairs);
});
