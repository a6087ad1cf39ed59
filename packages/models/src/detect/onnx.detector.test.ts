// Card-described ONNX detectors on tiny generated models whose outputs are known: each head layout's
// decode, the score threshold, NMS (or none for RT-DETR), class filters, the mapping back to frame
// pixels through letterbox and stretch, colour order and normalisation, and the errors a card that
// does not match its model gets.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Frame } from '@sightline/native';
import type { Detections } from '@sightline/vision';
import { columnsTensor, fixtureDetector, rowsTensor, type FixtureOutput } from './detector-models.fixture.ts';
import { OnnxDetector } from './onnx.detector.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-byod-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let serial = 0;
/** Writes the model and its card; returns the card's path. */
function write(card: Record<string, unknown>, model: { size: [number, number]; layout: 'nchw' | 'nhwc'; outputs: FixtureOutput[] }): string {
  const n = serial++;
  writeFileSync(join(dir, `m${n}.onnx`), fixtureDetector(model));
  const path = join(dir, `m${n}.card.json`);
  writeFileSync(path, JSON.stringify({ name: `fixture-${n}`, model: `m${n}.onnx`, ...card }));
  return path;
}

const load = (path: string): Promise<OnnxDetector> => OnnxDetector.create(path, { backendChoice: 'onnxruntime', threads: 1 });

function solid(width: number, height: number, rgb: [number, number, number]): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { data, width, height, format: 'rgb24' };
}

function rows(d: Detections): { box: number[]; score: number; cls: number }[] {
  return Array.from({ length: d.length }, (_, i) => ({ box: Array.from(d.box(i)), score: d.confidence[i]!, cls: d.classId[i]! }));
}

function near(actual: number[], expected: number[], eps = 1e-3): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= eps, `[${actual.join(', ')}] vs [${expected.join(', ')}]`));
}

const rgb255 = { layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] };

// YOLOv8 head [1, 4 + C, N]: person at the centre, a near duplicate, a car whose score is the mean
// of the red input channel, and a weak person below the threshold.
const yolov8Card = { classes: ['person', 'car'], input: { size: [64, 64], ...rgb255, letterbox: true, pad: 114 }, decode: { format: 'yolov8' } };
const yolov8Model: { size: [number, number]; layout: 'nchw'; outputs: FixtureOutput[] } = {
  size: [64, 64],
  layout: 'nchw',
  outputs: [{
    name: 'output0',
    dims: [1, 6, 4],
    values: columnsTensor([[32, 32, 20, 20, 0.9, 0.1], [33, 32, 20, 20, 0.8, 0], [10, 30, 8, 8, 0, 0], [50, 40, 10, 10, 0.2, 0]], 4, 6),
    fromInput: [{ index: 5 * 4 + 2, channel: 0 }],
  }],
};

describe('OnnxDetector: YOLOv5/v8 and YOLOX heads', () => {
  it('yolov8: decodes, thresholds, suppresses the duplicate and maps the letterbox back to the frame', async () => {
    const detector = await load(write(yolov8Card, yolov8Model));
    // 128x64 frame in a 64x64 input: scale 0.5, 16 rows of padding above and below.
    const got = rows(await detector.detect(solid(128, 64, [204, 0, 0])));
    assert.equal(got.length, 2, JSON.stringify(got));
    assert.equal(got[0]!.cls, 0);
    near([got[0]!.score], [0.9], 1e-6);
    near(got[0]!.box, [44, 12, 84, 52]);
    // The car's score is the red channel's mean: half image (204), half padding (114), over 255.
    assert.equal(got[1]!.cls, 1);
    near([got[1]!.score], [(204 + 114) / 2 / 255], 1e-5);
    near(got[1]!.box, [12, 20, 28, 36]);
    assert.deepEqual(rows(await detector.withFilters({ classIds: [0] }).detect(solid(128, 64, [204, 0, 0]))).map((r) => r.cls), [0]);
    assert.equal((await detector.withFilters({ scoreThreshold: 0.95 }).detect(solid(128, 64, [204, 0, 0]))).length, 0);
    assert.equal(detector.backend.model, detector.name);
    assert.equal(detector.backend.reason, 'asked for');
    await detector.release();
  });

  it('yolov5: score is objectness x class, stretched frames map back per axis, empty boxes are dropped', async () => {
    const detector = await load(write(
      { classes: ['person', 'car'], input: { size: [64, 64], ...rgb255, layout: 'nhwc', letterbox: false }, decode: { format: 'yolov5' } },
      { size: [64, 64], layout: 'nhwc', outputs: [{ name: 'out', dims: [1, 3, 7], values: rowsTensor([[32, 32, 20, 20, 0.9, 0.2, 0.9], [32, 32, 20, 20, 0.5, 0.5, 0], [10, 10, 0, 10, 0.9, 1, 0]], 3, 7) }] },
    ));
    const got = rows(await detector.detect(solid(128, 32, [0, 0, 0])));
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.equal(got[0]!.cls, 1);
    near([got[0]!.score], [0.81], 1e-6);
    // Stretch: x scale 0.5, y scale 2.
    near(got[0]!.box, [44, 11, 84, 21]);
    await detector.release();
  });

  it('yolox (raw grid): decodes cells of each stride, feeds BGR with the card\'s mean and std', async () => {
    const values = rowsTensor([], 84, 6);
    values.set([0.5, 0.5, Math.log(2), Math.log(3), 0, 1], 70 * 6); // stride 16, cell x 2, y 1
    values.set([0, 0, 0, 0, 0, 0.1], 0); // stride 8, cell 0, 0
    const detector = await load(write(
      { classes: ['person'], input: { size: [64, 64], layout: 'nchw', colour: 'bgr', mean: [10, 20, 30], std: [100, 50, 25], letterbox: true }, decode: { format: 'yolox', strides: [8, 16, 32] } },
      { size: [64, 64], layout: 'nchw', outputs: [{ name: 'output', dims: [1, 84, 6], values, fromInput: [{ index: 70 * 6 + 4, channel: 0 }, { index: 4, channel: 2 }] }] },
    ));
    const got = rows(await detector.detect(solid(64, 64, [200, 100, 50])));
    assert.equal(got.length, 2, JSON.stringify(got));
    // Channel 2 is red in BGR: (200 - 30) / 25 = 6.8 objectness x 0.1.
    near([got[0]!.score], [0.68], 1e-5);
    near(got[0]!.box, [0, 0, 4, 4]);
    // Channel 0 is blue: (50 - 10) / 100 = 0.4; centre (2.5 x 16, 1.5 x 16), size 2 x 16 by 3 x 16.
    near([got[1]!.score], [0.4], 1e-5);
    near(got[1]!.box, [24, 0, 56, 48]);
    await detector.release();
  });
});

describe('OnnxDetector: RT-DETR and NanoDet (GFL) outputs', () => {
  const queries = rowsTensor([[0.5, 0.5, 0.25, 0.5, 0.9, 0], [0.52, 0.5, 0.25, 0.5, 0.85, 0], [0.2, 0.2, 0.1, 0.1, 0.1, 0]], 3, 6);
  const rtdetrModel = { size: [64, 64] as [number, number], layout: 'nhwc' as const, outputs: [{ name: 'logits_boxes', dims: [1, 3, 6], values: queries }] };
  const rtdetrCard = { classes: ['person', 'car'], input: { size: [64, 64], ...rgb255, layout: 'nhwc', letterbox: true }, decode: { format: 'rtdetr' } };

  it('rtdetr: normalised centre boxes, no NMS by default, pillarboxed tall frames map back', async () => {
    const detector = await load(write(rtdetrCard, rtdetrModel));
    // 64x128 frame: scale 0.5, 16 columns of padding left and right.
    const got = rows(await detector.detect(solid(64, 128, [0, 0, 0])));
    assert.deepEqual(got.map((r) => r.cls), [0, 0]);
    near(got.map((r) => r.score), [0.9, 0.85], 1e-6);
    near(got[0]!.box, [16, 32, 48, 96]);
    await detector.release();
    const withNms = await load(write({ ...rtdetrCard, decode: { format: 'rtdetr', nms: true } }, rtdetrModel));
    assert.equal((await withNms.detect(solid(64, 128, [0, 0, 0]))).length, 1);
    await withNms.release();
  });

  it('rtdetr: separate box and logit outputs with sigmoid', async () => {
    const detector = await load(write(
      { classes: ['person', 'car'], input: { size: [32, 32], ...rgb255, letterbox: true }, decode: { format: 'rtdetr', outputs: ['boxes', 'logits'], sigmoid: true } },
      { size: [32, 32], layout: 'nchw', outputs: [
        { name: 'logits', dims: [1, 2, 2], values: Float32Array.from([-5, 2, -5, -5]) },
        { name: 'boxes', dims: [1, 2, 4], values: Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1]) },
      ] },
    ));
    const got = rows(await detector.detect(solid(32, 32, [0, 0, 0])));
    assert.equal(got.length, 1);
    assert.equal(got[0]!.cls, 1);
    near([got[0]!.score], [1 / (1 + Math.exp(-2))], 1e-6);
    near(got[0]!.box, [8, 8, 24, 24]);
    await detector.release();
  });

  it('nanodet-gfl: side distances are the expectation of each side\'s bin distribution', async () => {
    const bins = 4;
    const reg8 = new Float32Array(16 * 4 * bins);
    const sides = [[0, 40, 0, 0], [0, 40, 0, 0], [0, 0, 40, 0], [0, 0, 0, 0]]; // left 1, top 1, right 2, bottom uniform (1.5)
    sides.forEach((logits, side) => reg8.set(logits, 5 * 4 * bins + side * bins));
    const cls8 = new Float32Array(16);
    cls8[5] = 0.7; // stride 8, cell x 1, y 1: centre (12, 12)
    const detector = await load(write(
      { classes: ['person'], input: { size: [32, 32], ...rgb255, letterbox: true }, decode: { format: 'nanodet-gfl', strides: [8, 16], regMax: 3, outputs: ['cls8', 'reg8', 'cls16', 'reg16'] } },
      { size: [32, 32], layout: 'nchw', outputs: [
        { name: 'cls8', dims: [1, 16, 1], values: cls8 },
        { name: 'reg8', dims: [1, 16, 16], values: reg8 },
        { name: 'cls16', dims: [1, 4, 1], values: new Float32Array(4) },
        { name: 'reg16', dims: [1, 4, 16], values: new Float32Array(64) },
      ] },
    ));
    const got = rows(await detector.detect(solid(32, 32, [0, 0, 0])));
    assert.equal(got.length, 1, JSON.stringify(got));
    near([got[0]!.score], [0.7], 1e-6);
    near(got[0]!.box, [4, 4, 28, 24]);
    await detector.release();
  });
});

describe('OnnxDetector: cards that do not match their model', () => {
  const cases: [string, Record<string, unknown>, typeof yolov8Model, RegExp][] = [
    ['a yolov8 card on a YOLOv5-style head', { ...yolov8Card, decode: { format: 'yolov8' } }, { ...yolov8Model, outputs: [{ name: 'output0', dims: [1, 3, 7], values: new Float32Array(21) }] }, /expects output0 of shape \[1, 6, N\].*\[1, 3, 7\].*yolov5/],
    ['a yolov5 card with the wrong classes', { ...yolov8Card, classes: 'coco', decode: { format: 'yolov5' } }, { ...yolov8Model, outputs: [{ name: 'output0', dims: [1, 3, 7], values: new Float32Array(21) }] }, /\[1, N, 85\] \(5 \+ 80 classes\).*\[1, 3, 7\]/],
    ['yolox strides that do not tile the input', { ...yolov8Card, classes: ['person'], decode: { format: 'yolox', strides: [8, 16] } }, { ...yolov8Model, outputs: [{ name: 'output0', dims: [1, 84, 6], values: new Float32Array(84 * 6) }] }, /\[1, 80, 6\] \(grid cells of strides 8, 16 over 64x64\)/],
    ['an output name the model lacks', { ...yolov8Card, decode: { format: 'yolov8', outputs: ['boxes'] } }, yolov8Model, /has no output "boxes" \(its outputs: output0\)/],
    ['an input size the model refuses', { ...yolov8Card, input: { ...yolov8Card.input, size: [32, 32] } }, yolov8Model, /did not accept an input of 1x3x32x32/],
  ];
  for (const [what, card, model, message] of cases) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(load(write(card, model)), message);
    });
  }

  it('says when the model file is missing', async () => {
    const path = join(dir, 'missing.card.json');
    writeFileSync(path, JSON.stringify({ ...yolov8Card, name: 'missing', model: 'nowhere.onnx' }));
    await assert.rejects(load(path), /model file .*nowhere\.onnx not found/);
  });
});

describe('OnnxDetector: a card\'s appearance map', () => {
  // A 2-channel map at stride 4 over the 64x64 input: channel c of cell i holds c * 1000 + i, and
  // cell 0 of channel 0 the mean of the red input channel (so the map is of the same pass).
  const cells = 16 * 16;
  const mapValues = Float32Array.from({ length: 2 * cells }, (_, k) => Math.floor(k / cells) * 1000 + (k % cells));
  const withMap = (layout: 'nchw' | 'nhwc'): typeof yolov8Model => ({
    ...yolov8Model,
    outputs: [
      ...yolov8Model.outputs,
      layout === 'nchw'
        ? { name: 'p3', dims: [1, 2, 16, 16], values: mapValues, fromInput: [{ index: 0, channel: 0 }] }
        : { name: 'p3', dims: [1, 16, 16, 2], values: Float32Array.from({ length: 2 * cells }, (_, k) => mapValues[(k % 2) * cells + Math.floor(k / 2)]!), fromInput: [{ index: 0, channel: 0 }] },
    ],
  });

  async function* frames(...list: Frame[]): AsyncGenerator<Frame> {
    yield* list;
  }

  for (const layout of ['nchw', 'nhwc'] as const) {
    it(`fetches the ${layout} map as NHWC with its stride on the frames asked, the boxes unchanged`, async () => {
      const detector = await load(write({ ...yolov8Card, appearance: { output: 'p3', stride: 4, layout } }, withMap(layout)));
      assert.equal(detector.hasAppearanceMap, true);
      assert.equal(detector.hasFeatures, false, 'trained heads still need CenterNet\'s shared map');
      const a = solid(128, 64, [204, 0, 0]);
      const b = solid(128, 64, [102, 0, 0]);
      const plain = rows(await detector.detect(solid(128, 64, [102, 0, 0])));
      const got = [];
      for await (const r of detector.detectStream(frames(a, b), { withFeatures: (f) => (f === b ? 'source' : false) })) got.push(r);
      assert.equal(got[0]!.features, undefined);
      const f = got[1]!.features!;
      assert.ok(f, 'the asked frame carries the map');
      assert.equal(f.featureStride, 4);
      assert.deepEqual(f.features.shape, [1, 16, 16, 2]);
      assert.equal(f.features.layout, 'nhwc');
      // Cell (y 3, x 5), both channels; cell 0 channel 0 is the red mean of the letterboxed frame b.
      const cell = 3 * 16 + 5;
      assert.equal(f.features.data[cell * 2], cell);
      assert.equal(f.features.data[cell * 2 + 1], 1000 + cell);
      near([f.features.data[0]!], [(102 + 114) / 2 / 255], 1e-5);
      near([f.mapping.scaleX, f.mapping.offsetY], [0.5, 16]);
      assert.deepEqual(rows(got[1]!.detections), plain);
      await detector.release();
    });
  }

  it('a card without one gives boxes only, even when a pass is asked for a map', async () => {
    const detector = await load(write({ ...yolov8Card, decode: { format: 'yolov8', outputs: ['output0'] } }, withMap('nchw')));
    assert.equal(detector.hasAppearanceMap, false);
    const got = [];
    for await (const r of detector.detectStream(frames(solid(64, 64, [0, 0, 0])), { withFeatures: () => 'source' })) got.push(r);
    assert.equal(got[0]!.features, undefined);
    assert.equal(got[0]!.detections.length, 1);
    await detector.release();
  });

  it('refuses a map the model does not output, or whose stride does not fit the input', async () => {
    await assert.rejects(load(write({ ...yolov8Card, appearance: { output: 'p4', stride: 4, layout: 'nchw' } }, withMap('nchw'))), /appearance.output "p4" is not an output of the model \(its outputs: output0, p3\); export the feature map as a graph output/);
    await assert.rejects(load(write({ ...yolov8Card, appearance: { output: 'p3', stride: 8, layout: 'nchw' } }, withMap('nchw'))), /appearance map p3 is 16x16 cells \(read as nchw\); an input of 64x64 at stride 8 gives 8x8: check appearance.stride and appearance.layout/);
    await assert.rejects(load(write({ ...yolov8Card, appearance: { output: 'p3', stride: 4, layout: 'nhwc' } }, withMap('nchw'))), /appearance map p3 is 2x16 cells \(read as nhwc\)/);
  });
});
