// Faces and face attributes on the real photos of @vladmandic/human's samples.jpg.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import { CenterNetDetector } from '../detect/centernet.detector.ts';
import { packageDir } from '../registry/model-cache.ts';
import { FaceAttributeEstimator } from './face-attributes.ts';

const samples = `${packageDir('@vladmandic/human')}/assets/samples.jpg`;
let people: CenterNetDetector;
let faces: FaceAttributeEstimator;
before(async () => {
  people = await CenterNetDetector.create({ classIds: [0], threads: 2 });
  faces = await FaceAttributeEstimator.create({ threads: 2 });
});
after(async () => Promise.all([people.release(), faces.release()]));

// Thumbnails whose person shows a clear frontal face.
const thumbnails: { name: string; crop: [number, number, number, number]; male: boolean }[] = [
  { name: 'blonde woman', crop: [164, 0, 152, 160], male: false },
  { name: 'man at a table', crop: [324, 0, 212, 160], male: true },
  { name: 'woman in a white dress', crop: [640, 0, 150, 160], male: false },
];

for (const t of thumbnails) {
  test(`face inside the person box, adult age, gender: ${t.name}`, async () => {
    const img = await decodeImageRgb(samples, { crop: t.crop });
    const d = await people.detect(img);
    assert.ok(d.length >= 1, 'no person');
    const [attrs] = await faces.estimate(img, d.select([0]));
    assert.ok(attrs, 'no face found in the person box');
    const [px1, py1, px2, py2] = d.box(0);
    const [fx1, fy1, fx2, fy2] = attrs.faceXyxy;
    const cx = (fx1 + fx2) / 2;
    const cy = (fy1 + fy2) / 2;
    assert.ok(cx > px1 && cx < px2 && cy > py1 && cy < py1 + (py2 - py1) / 2, `face centre ${cx},${cy} not in the upper half of the person box`);
    assert.ok(fx2 - fx1 < px2 - px1 && fx2 - fx1 > 5, 'face width implausible for the person');
    assert.ok(attrs.ageYears >= 18 && attrs.ageYears <= 60, `age ${attrs.ageYears} for an adult`);
    assert.ok(attrs.maleProbability >= 0 && attrs.maleProbability <= 1);
    // face-api's AgeGenderNet (the default) gets all three right; faceres gets the man and the woman in white wrong.
    assert.equal(attrs.maleProbability > 0.5, t.male, `male probability ${attrs.maleProbability.toFixed(2)} for the ${t.name}`);
  });
}

test('no face is reported for a box without one', async () => {
  const img = await decodeImageRgb(samples, { crop: [0, 180, 400, 200] });
  // A box on the dark banner between the thumbnails and the main photo.
  const { Detections } = await import('@sightline/vision');
  const [attrs] = await faces.estimate(img, Detections.fromRows([{ xyxy: [10, 10, 390, 20], confidence: 1, classId: 0 }]));
  assert.equal(attrs, null);
});
