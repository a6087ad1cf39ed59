import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COCO_LABELS } from './coco-labels.ts';
import { parseDetectorCard } from './detector-card.ts';

const good = {
  name: 'yolox-s',
  model: 'weights/yolox_s.onnx',
  classes: 'coco',
  input: { size: [640, 640], layout: 'nchw', colour: 'bgr', mean: [0, 0, 0], std: [1, 1, 1], letterbox: true, pad: 114 },
  decode: { format: 'yolox', strides: [8, 16, 32] },
};

describe('parseDetectorCard', () => {
  it('resolves the model against the card folder and fills the defaults', () => {
    const card = parseDetectorCard(good, '/models');
    assert.equal(card.model, '/models/weights/yolox_s.onnx');
    assert.equal(card.classes, COCO_LABELS);
    assert.equal(card.scoreThreshold, 0.3);
    assert.equal(card.iouThreshold, 0.5);
    assert.deepEqual(card.input.size, [640, 640]);
    assert.equal(parseDetectorCard({ ...good, model: '/abs/m.onnx' }, '/models').model, '/abs/m.onnx');
    assert.equal(card.appearance, undefined);
  });

  it('reads the appearance map a card names', () => {
    const card = parseDetectorCard({ ...good, appearance: { output: 'p3', stride: 8, layout: 'nchw' } }, '/models');
    assert.deepEqual(card.appearance, { output: 'p3', stride: 8, layout: 'nchw' });
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['unknown top-level keys', { ...good, thresh: 0.4 }, /unknown keys thresh/],
    ['unknown input keys', { ...good, input: { ...good.input, normalize: true } }, /input: unknown keys normalize/],
    ['a format outside the list', { ...good, decode: { format: 'ssd' } }, /decode\.format must be one of yolox, yolov5, yolov8, rtdetr, nanodet-gfl/],
    ['raw yolox without strides', { ...good, decode: { format: 'yolox' } }, /decode\.strides is required for yolox raw output \(or set decoded: true\)/],
    ['a zero std', { ...good, input: { ...good.input, std: [1, 0, 1] } }, /input\.std must be three non-zero numbers/],
    ['a bad layout and colour together', { ...good, input: { ...good.input, layout: 'hwc', colour: 'rgba' } }, /input\.layout must be "nchw" or "nhwc"; input\.colour must be "rgb" or "bgr"/],
    ['empty classes', { ...good, classes: [] }, /classes must be "coco" or a list/],
    ['a score outside 0..1', { ...good, scoreThreshold: 3 }, /scoreThreshold must be within 0\.\.1/],
    ['a name with spaces', { ...good, name: 'my model' }, /name must be a model name/],
    ['an appearance map without a stride, in a made-up layout', { ...good, appearance: { output: 'p3', layout: 'chw' } }, /appearance\.stride must be the input pixels per map cell.*; appearance\.layout must be "nchw"/],
    ['an appearance map that is a head output', { ...good, decode: { ...good.decode, outputs: ['output', 'p3'] }, appearance: { output: 'p3', stride: 8, layout: 'nchw' } }, /appearance\.output must not be one of decode\.outputs/],
    ['unknown appearance keys', { ...good, appearance: { output: 'p3', stride: 8, layout: 'nhwc', bands: 3 } }, /appearance: unknown keys bands/],
  ];
  for (const [what, json, message] of bad) {
    it(`refuses ${what}`, () => assert.throws(() => parseDetectorCard(json, '/models', 'card.json'), message));
  }

  it('refuses a non-object', () => assert.throws(() => parseDetectorCard([1], '/m', 'card.json'), /card\.json: expected a JSON object/));
});
