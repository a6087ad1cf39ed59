import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import { packageDir } from '../registry/model-cache.ts';
import { CenterNetDetector } from './centernet.detector.ts';
import { detectTiled, detectTiledWithMap, squareTiles } from './tiled-detection.ts';

test('squareTiles cover the long side with even overlap', () => {
  assert.deepEqual(squareTiles(1920, 1080), [[0, 0, 1080, 1080], [840, 0, 1920, 1080]]);
  assert.deepEqual(squareTiles(100, 250), [[0, 0, 100, 100], [0, 75, 100, 175], [0, 150, 100, 250]]);
  assert.deepEqual(squareTiles(500, 500), []);
  assert.deepEqual(squareTiles(501, 500), [[0, 0, 500, 500], [1, 0, 501, 500]]);
});

let detector: CenterNetDetector;
before(async () => {
  detector = await CenterNetDetector.create({ classIds: [0], threads: 2 });
});
after(async () => detector.release());

test('tiles find the small people of a wide frame that the whole frame misses, and keep the rest', async () => {
  // The 1280x160 row of thumbnails: people about 150 px tall, shrunk to 60 px in one 512 input.
  const img = await decodeImageRgb(`${packageDir('@vladmandic/human')}/assets/samples.jpg`, { crop: [0, 0, 1280, 160] });
  const whole = await detector.detect(img);
  const tiled = await detectTiled(detector, img);
  assert.ok(tiled.length > whole.length, `tiles found ${tiled.length} people, the whole frame ${whole.length}`);
  const iou = (a: number[], b: number[]): number => {
    const w = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
    const h = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
    return (w * h) / ((a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - w * h);
  };
  for (let i = 0; i < whole.length; i++) {
    if (whole.confidence[i]! < 0.5) continue;
    const best = Math.max(...Array.from({ length: tiled.length }, (_, j) => iou(whole.box(i), tiled.box(j))));
    assert.ok(best >= 0.5, `confident whole-frame box ${whole.box(i).map(Math.round)} lost by tiling (best IoU ${best.toFixed(2)})`);
  }
  for (let i = 0; i < tiled.length; i++) {
    const [x1, y1, x2, y2] = tiled.box(i);
    assert.ok(x1 >= 0 && y1 >= 0 && x2 <= img.width && y2 <= img.height);
  }
});

test('with the map: the boxes of plain tiling, and the whole frame\'s map at its detection shape for all of them', async () => {
  const img = await decodeImageRgb(`${packageDir('@vladmandic/human')}/assets/samples.jpg`, { crop: [0, 0, 1280, 160] });
  const plain = await detectTiled(detector, img);
  const { detections, features } = await detectTiledWithMap(detector, img);
  assert.deepEqual(Array.from(detections.xyxy), Array.from(plain.xyxy));
  assert.equal(features.featureStride, 4);
  const [h, w] = detector.shapeFor(img);
  assert.deepEqual(features.features.shape, [1, h / 4, w / 4, 128]);
});
