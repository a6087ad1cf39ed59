// An attribute head written here as a small ONNX file (mean pool + linear + softmax) runs on the
// shared CenterNet feature map of a real photo; its output must equal the same arithmetic done
// in plain TypeScript on the TS reference ROI-align.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import { loadEngine } from '@sightline/native';
import { CenterNetDetector } from '../detect/centernet.detector.ts';
import { attr, encodeModel } from '../onnx/onnx-model.ts';
import { ensureOnnxModel, packageDir } from '../registry/model-cache.ts';
import { onnxRuntimeCpu } from '../backend/onnxruntime-cpu.backend.ts';
import { AttributeHead } from './attribute-head.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-head-'));
const S = 4;
const C = 128;
const LABELS = ['dark', 'light', 'colourful'];
const weights = Float32Array.from({ length: C * LABELS.length }, (_, i) => Math.sin(i * 0.37) * 0.5);
const bias = Float32Array.from([0.1, -0.2, 0.05]);
let detector: CenterNetDetector;

function writeHead(name: string, spec: Record<string, unknown>): string {
  const onnx = encodeModel(
    {
      name: 'head',
      inputs: [{ name: 'rois', dataType: 'float32', shape: ['n', S, S, C] }],
      outputs: [{ name: 'probabilities', dataType: 'float32', shape: ['n', LABELS.length] }],
      initializers: [
        { name: 'w', dataType: 'float32', dims: [C, LABELS.length], data: weights },
        { name: 'b', dataType: 'float32', dims: [LABELS.length], data: bias },
      ],
      nodes: [
        { opType: 'ReduceMean', name: 'pool', inputs: ['rois'], outputs: ['pooled'], attributes: { axes: attr.ints([1, 2]), keepdims: attr.int(0) } },
        { opType: 'MatMul', name: 'fc', inputs: ['pooled', 'w'], outputs: ['logits0'] },
        { opType: 'Add', name: 'bias', inputs: ['logits0', 'b'], outputs: ['logits'] },
        { opType: 'Softmax', name: 'softmax', inputs: ['logits'], outputs: ['probabilities'], attributes: { axis: attr.int(-1) } },
      ],
    },
    { opsetVersion: 13, producerName: 'test', producerVersion: '1' },
  );
  writeFileSync(join(dir, `${name}.onnx`), onnx);
  const path = join(dir, `${name}.head.json`);
  writeFileSync(path, JSON.stringify({ name, labels: LABELS, model: `${name}.onnx`, outputSize: S, channels: C, featureStride: 4, samplingRatio: 2, ...spec }));
  return path;
}

before(async () => {
  detector = await CenterNetDetector.create({ classIds: [0], threads: 2 });
});
after(async () => {
  await detector.release();
  rmSync(dir, { recursive: true, force: true });
});

test('one network pass gives detections and per-box attributes from the shared feature map, at any input shape', async (t) => {
  const img = await decodeImageRgb(join(packageDir('@vladmandic/human'), 'assets', 'samples.jpg'), { crop: [0, 0, 640, 170] });
  // Shaped to the source, plain detection runs this frame at 640x384; the feature pass stays on the card's 512x512.
  assert.deepEqual(detector.shapeFor(img), [384, 640]);
  assert.deepEqual((await detector.detectWithFeatures(img)).features.shape, [1, 128, 128, C]);
  // A detector at a fixed 640x384 input: the map (stride 4) follows that shape.
  const wide = await CenterNetDetector.create({ classIds: [0], threads: 2, inputSize: [384, 640] });
  t.after(() => wide.release());
  const { detections, features, mapping } = await wide.detectWithFeatures(img);
  const [sh, sw] = wide.inputSize;
  assert.deepEqual(features.shape, [1, sh / 4, sw / 4, C]);
  assert.ok(detections.length >= 2, `expected people in the thumbnails, got ${detections.length}`);
  const plain = await wide.detect(img);
  assert.deepEqual(Array.from(plain.xyxy), Array.from(detections.xyxy), 'fetching the feature map changes the boxes of the same pass');
  // The feature map is an output added to the converted file: the file alone gives the same raw rows.
  const input = new Float32Array(sh * sw * 3);
  loadEngine().frameToTensorSync(img, { width: sw, height: sh, letterbox: true, padValue: 0, scale: 1, layout: 'nhwc', out: input });
  const file = await onnxRuntimeCpu.createSession(await ensureOnnxModel('centernet', { inputSize: [sh, sw] }), { threads: 2 });
  const fileRows = (await file.run({ 'tower_0/images': { type: 'float32', dims: [1, sh, sw, 3], data: input } }))['tower_0/detections']!.data as Float32Array;
  await file.release();
  const rows = await wide.runNetwork(input);
  assert.equal(rows.length, fileRows.length);
  for (let i = 0; i < rows.length; i++) assert.ok(Math.abs(rows[i]! - fileRows[i]!) < 1e-3, `row value ${i}: ${rows[i]} vs ${fileRows[i]} from the file alone`);

  const head = await AttributeHead.load(writeHead('tone', {}), { threads: 1 });
  const result = await head.apply(features, detections, mapping);
  await head.release();
  const values = result.data['attr:tone'] as { label: string; score: number; probabilities: number[] }[];
  assert.equal(values.length, detections.length);

  // The same arithmetic by hand on the TS reference ROI-align.
  const boxes = new Float32Array(detections.length * 4);
  for (let i = 0; i < detections.length; i++) {
    const [x1, y1, x2, y2] = detections.box(i);
    boxes.set([x1 * mapping.scaleX + mapping.offsetX, y1 * mapping.scaleY + mapping.offsetY, x2 * mapping.scaleX + mapping.offsetX, y2 * mapping.scaleY + mapping.offsetY], i * 4);
  }
  // The mapping places the boxes on that input (wider than the card's 512x512).
  for (let i = 0; i < boxes.length; i += 4) assert.ok(boxes[i]! >= 0 && boxes[i + 2]! <= sw + 1e-3 && boxes[i + 1]! >= 0 && boxes[i + 3]! <= sh + 1e-3, `box ${i / 4} on the ${sw}x${sh} input: ${Array.from(boxes.subarray(i, i + 4))}`);
  const rois = loadEngine('ts').roiAlignSync(features, boxes, { outputSize: S, spatialScale: 0.25, samplingRatio: 2 }).data;
  let distinct = 0;
  for (let i = 0; i < detections.length; i++) {
    const logits = LABELS.map((_, k) => {
      let sum = bias[k]!;
      for (let c = 0; c < C; c++) {
        let mean = 0;
        for (let p = 0; p < S * S; p++) mean += rois[(i * S * S + p) * C + c]!;
        sum += (mean / (S * S)) * weights[c * LABELS.length + k]!;
      }
      return sum;
    });
    const max = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - max));
    const expected = exp.map((e) => e / exp.reduce((a, b) => a + b, 0));
    values[i]!.probabilities.forEach((p, k) => assert.ok(Math.abs(p - expected[k]!) < 1e-4, `box ${i} label ${k}: ${p} vs ${expected[k]}`));
    assert.equal(values[i]!.label, LABELS[expected.indexOf(Math.max(...expected))]);
    if (Math.abs(values[i]!.probabilities[0]! - values[0]!.probabilities[0]!) > 1e-3) distinct++;
  }
  assert.ok(distinct >= 1, 'every box got the same attribute probabilities: the features do not depend on the box');
});

test('a head whose spec does not fit is refused with the reason', async () => {
  await assert.rejects(AttributeHead.load(writeHead('bad-key', { colour: 1 })), /unknown keys colour/);
  await assert.rejects(AttributeHead.load(writeHead('bad-size', { outputSize: 0 })), /outputSize must be a positive integer/);
  await assert.rejects(AttributeHead.load(writeHead('missing', { model: 'nowhere.onnx' })), /does not exist/);
  const img = await decodeImageRgb(join(packageDir('@vladmandic/human'), 'assets', 'samples.jpg'), { crop: [0, 0, 160, 160] });
  const { detections, features, mapping } = await detector.detectWithFeatures(img);
  const wrong = await AttributeHead.load(writeHead('wide', { channels: 256 }));
  await assert.rejects(wrong.apply(features, detections, mapping), /expects an NHWC map with 256 channels/);
  await wrong.release();
  const labels = await AttributeHead.load(writeHead('labels', { labels: ['a', 'b'] }));
  await assert.rejects(labels.apply(features, detections, mapping), /outputs shape \[\d+, 3\] but the spec lists 2 labels/);
  await labels.release();
});
