import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Detections } from '../detections.ts';
import { CocoFormatError, fromCoco, toCoco } from './coco.ts';
import { fromYoloLabels, toYoloLabels, YoloFormatError } from './yolo.ts';

const dets = Detections.fromRows(
  [
    { xyxy: [10, 20, 50, 100], confidence: 1, classId: 0, trackerId: 7 },
    { xyxy: [0.5, 0.25, 8.5, 4.25], confidence: 0.5, classId: 1 },
  ],
  { attributes: [{ clothing: 'coat' }, {}] },
);

test('COCO: written boxes read back to the same Detections', () => {
  const doc = toCoco([{ id: 3, file_name: '000003.jpg', width: 64, height: 128 }], ['person', 'car'], new Map([[3, dets]]));
  assert.deepEqual(doc.annotations[0]!.bbox, [10, 20, 40, 80]);
  assert.deepEqual(doc.annotations[0]!.attributes, { clothing: 'coat', track_id: 7 });
  const back = fromCoco(JSON.parse(JSON.stringify(doc)));
  const d = back.detectionsByImage.get(3)!;
  assert.deepEqual([d.box(0), d.box(1)], [dets.box(0), dets.box(1)]);
  assert.deepEqual(Array.from(d.classId), [1, 2], 'COCO category ids');
  assert.deepEqual(Array.from(d.trackerId), [7, -1]);
  assert.deepEqual(d.data.attributes, [{ clothing: 'coat' }, {}]);
  assert.equal(back.categories.get(2), 'car');
});

test('COCO: malformed documents name the field at fault', () => {
  const base = { images: [{ id: 1, file_name: 'a.jpg' }], categories: [{ id: 1, name: 'p' }] };
  const cases: [unknown, RegExp][] = [
    [null, /JSON object/],
    [{ images: [], categories: [] }, /"annotations"/],
    [{ ...base, annotations: [{ image_id: 1, category_id: 1, bbox: [0, 0, 1] }] }, /annotations\[0\]\.bbox/],
    [{ ...base, annotations: [{ image_id: 2, category_id: 1, bbox: [0, 0, 1, 1] }] }, /image_id 2/],
    [{ ...base, annotations: [{ image_id: 1, category_id: 9, bbox: [0, 0, 1, 1] }] }, /category_id 9/],
  ];
  for (const [doc, message] of cases) assert.throws(() => fromCoco(doc), (e: Error) => e instanceof CocoFormatError && message.test(e.message));
});

test('YOLO: normalised centre/size lines and back', () => {
  const text = toYoloLabels(dets, [64, 128]);
  assert.equal(text.split('\n')[0], '0 0.46875 0.46875 0.625 0.625');
  const back = fromYoloLabels(text, [64, 128]);
  for (let i = 0; i < 2; i++) back.box(i).forEach((v, k) => assert.ok(Math.abs(v - dets.box(i)[k]!) < 1e-3));
  assert.throws(() => fromYoloLabels('0 0.5 0.5', [10, 10], 'a.txt'), (e: Error) => e instanceof YoloFormatError && /a\.txt:1/.test(e.message));
});
