// CenterNet on real photos shipped in @vladmandic/human (assets/samples.jpg), decoded by ffmpeg.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import { boxIou, type Detections, type Frame } from '@sightline/vision';
import { packageDir } from '../registry/model-cache.ts';
import { CenterNetDetector } from './centernet.detector.ts';

const samples = `${packageDir('@vladmandic/human')}/assets/samples.jpg`;
let detector: CenterNetDetector;

before(async () => {
  // The card's 512x512 letterbox: the layouts below compare one frame letterboxed two ways at one
  // scale (the input shaped to the source has its own test in convert/centernet-input.test.ts).
  detector = await CenterNetDetector.create({ scoreThreshold: 0.3, iouThreshold: 0.5, classIds: [0], threads: 2, inputSize: [512, 512] });
});
after(async () => detector.release());

const iou = (a: readonly number[], b: readonly number[]): number => boxIou(a, 0, b, 0);

/** `img` placed at (x, y) on a black canvas. */
function onCanvas(img: Frame<'rgb24'>, width: number, height: number, x: number, y: number): Frame<'rgb24'> {
  const data = new Uint8Array(width * height * 3);
  for (let r = 0; r < img.height; r++) data.set(img.data.subarray(r * img.width * 3, (r + 1) * img.width * 3), ((y + r) * width + x) * 3);
  return { width, height, format: 'rgb24', data };
}

function boxes(d: Detections): number[][] {
  return Array.from({ length: d.length }, (_, i) => d.box(i));
}

// Single-person thumbnails of the top row: [x, y, w, h] of the crop in samples.jpg.
const thumbnails: { name: string; crop: [number, number, number, number] }[] = [
  { name: 'standing woman, white background', crop: [0, 0, 156, 160] },
  { name: 'man at a table', crop: [324, 0, 212, 160] },
  { name: 'woman in a purple dress', crop: [796, 0, 108, 160] },
];

for (const { name, crop } of thumbnails) {
  test(`finds the person in the thumbnail: ${name}`, async () => {
    const img = await decodeImageRgb(samples, { crop });
    const d = await detector.detect(img);
    assert.ok(d.length >= 1, `no person found in ${crop.join(',')}`);
    const best = d.box(0);
    assert.ok(d.confidence[0]! >= 0.4, `best person score ${d.confidence[0]}`);
    // The person fills most of the thumbnail's height and contains its centre column.
    assert.ok(best[3] - best[1] >= 0.6 * img.height, `box ${best.map(Math.round)} is short for a ${img.height}px tall thumbnail`);
    assert.ok(best[0] <= img.width / 2 && best[2] >= img.width / 2, `box ${best.map(Math.round)} misses the centre of the ${img.width}px wide thumbnail`);
    for (let i = 0; i < d.length; i++) {
      const [x1, y1, x2, y2] = d.box(i);
      assert.ok(x1 >= 0 && y1 >= 0 && x2 <= img.width && y2 <= img.height && x2 > x1 && y2 > y1, `box ${i} outside the image`);
    }
  });
}

// Letterbox decoding: the same content alone (letterboxed, centred) and placed in a corner of a
// square black canvas (no letterbox padding needed) must give the same boxes in image pixels.
const layouts: { name: string; crop: [number, number, number, number] }[] = [
  { name: 'wide (top row strip, 3.8:1)', crop: [0, 0, 640, 170] },
  { name: 'tall (crowd slice, 1:2.3)', crop: [300, 420, 300, 700] },
];

for (const { name, crop } of layouts) {
  test(`boxes map back to the frame for any aspect ratio: ${name}`, async () => {
    const img = await decodeImageRgb(samples, { crop });
    const side = Math.max(img.width, img.height);
    const alone = await detector.detect(img);
    const square = await detector.detect(onCanvas(img, side, side, 0, 0));
    assert.ok(alone.length >= 2, `expected several people, found ${alone.length}`);
    let matched = 0;
    for (const a of boxes(alone.filter((i) => alone.confidence[i]! >= 0.45))) {
      const best = Math.max(0, ...boxes(square).map((b) => iou(a, b)));
      assert.ok(best >= 0.75, `box ${a.map(Math.round)} found alone has no match in the square layout (best IoU ${best.toFixed(2)})`);
      matched++;
    }
    assert.ok(matched >= 1, 'no confident box to compare');
  });
}

test('class filter, score threshold and class-aware NMS hold on a crowd photo', async () => {
  const img = await decodeImageRgb(samples);
  const all = await CenterNetDetector.create({ scoreThreshold: 0.2, iouThreshold: 0.5, threads: 2 });
  try {
    const d = await all.detect(img);
    const people = await detector.detect(img);
    assert.ok(people.length >= 5, `only ${people.length} people in a photo of a crowd`);
    assert.ok(Array.from(people.classId).every((c) => c === 0));
    assert.ok(Array.from(people.confidence).every((s) => s >= 0.3));
    assert.ok(new Set(d.classId).size >= 2, 'an all-class detector found only one class in the crowd photo');
    for (let i = 0; i < d.length; i++) {
      for (let j = i + 1; j < d.length; j++) {
        if (d.classId[i] === d.classId[j]) assert.ok(iou(d.box(i), d.box(j)) <= 0.5 + 1e-6, `boxes ${i} and ${j} of class ${d.classId[i]} overlap past the NMS threshold`);
      }
    }
    for (let i = 1; i < d.length; i++) assert.ok(d.confidence[i - 1]! >= d.confidence[i]!, 'detections are not sorted by score');
  } finally {
    await all.release();
  }
});

test('rejects thresholds outside their range', async () => {
  await assert.rejects(CenterNetDetector.create({ scoreThreshold: 2 }), /scoreThreshold must be within 0..1/);
  await assert.rejects(CenterNetDetector.create({ iouThreshold: 0 }), /iouThreshold must be within/);
});

test('detectStream gives, in order, exactly what detect gives frame by frame', async () => {
  const crops: [number, number, number, number][] = [[0, 0, 640, 170], [324, 0, 212, 160], [300, 420, 300, 700], [0, 0, 156, 160]];
  const frames = await Promise.all(crops.map((crop) => decodeImageRgb(samples, { crop })));
  async function* source() {
    for (const f of frames) yield f;
  }
  const streamed: Detections[] = [];
  for await (const { frame, detections } of detector.detectStream(source())) {
    assert.equal(frame, frames[streamed.length]);
    streamed.push(detections);
  }
  assert.equal(streamed.length, frames.length);
  for (const [i, f] of frames.entries()) {
    const single = await detector.detect(f);
    assert.deepEqual(Array.from(streamed[i]!.xyxy), Array.from(single.xyxy), `frame ${i} boxes`);
    assert.deepEqual(Array.from(streamed[i]!.confidence), Array.from(single.confidence), `frame ${i} scores`);
  }
});
