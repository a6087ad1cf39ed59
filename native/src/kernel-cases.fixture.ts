// The case table every backend runs (see backends.test.ts). Inputs are generated here from a
// seeded PRNG so they are reproducible without fixture files.
import type { FeatureMap, Frame, FrameToTensorOptions, NmsOptions, RoiAlignOptions, TensorLayout } from './engine.ts';

import { seededRandom } from './training/seeded-random.ts';

/** The same mulberry32 generator the trainer uses. */
export const prng = seededRandom;

export function randomFrame(width: number, height: number, format: Frame['format'] = 'rgb24', seed = 1): Frame {
  const rand = prng(seed);
  const data = new Uint8Array(width * height * (format === 'rgba' ? 4 : 3));
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return { data, width, height, format };
}

export function randomMap(n: number, c: number, h: number, w: number, layout: TensorLayout, seed = 2): FeatureMap {
  const rand = prng(seed);
  const data = new Float32Array(n * c * h * w);
  for (let i = 0; i < data.length; i++) data[i] = rand() * 8 - 4;
  return { data, shape: layout === 'nchw' ? [n, c, h, w] : [n, h, w, c], layout };
}

/** Detector-like boxes: clusters around a few centres, so NMS has real overlaps to resolve. */
export function randomDetections(count: number, seed = 3, classes = 1) {
  const rand = prng(seed);
  const centres = Array.from({ length: Math.max(1, Math.floor(count / 20)) }, () => [rand() * 1800 + 60, rand() * 1000 + 40]);
  const boxes = new Float32Array(count * 4);
  const scores = new Float32Array(count);
  const classIds = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const [cx, cy] = centres[Math.floor(rand() * centres.length)]!;
    const w = 20 + rand() * 120;
    const h = 40 + rand() * 200;
    const x = cx! + (rand() - 0.5) * 40;
    const y = cy! + (rand() - 0.5) * 40;
    boxes.set([x - w / 2, y - h / 2, x + w / 2, y + h / 2], i * 4);
    scores[i] = rand();
    classIds[i] = Math.floor(rand() * classes);
  }
  return { boxes, scores, classIds };
}

export interface FrameCase { name: string; frame: Frame; options: FrameToTensorOptions; throws?: boolean }
export interface RoiCase { name: string; map: FeatureMap; boxes: Float32Array; options: RoiAlignOptions; throws?: boolean }
export interface NmsCase { name: string; boxes: Float32Array; scores: Float32Array; options: NmsOptions; throws?: boolean }

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

export const frameCases: FrameCase[] = [
  { name: '1x1 -> 1x1', frame: randomFrame(1, 1), options: { width: 1, height: 1 } },
  { name: '1x1 -> 5x3 letterbox', frame: randomFrame(1, 1), options: { width: 5, height: 3, letterbox: true, padValue: 114 } },
  { name: '2x2 -> 4x4 upsample nhwc', frame: randomFrame(2, 2), options: { width: 4, height: 4, layout: 'nhwc' } },
  { name: '37x23 -> 16x16 letterbox (landscape) imagenet', frame: randomFrame(37, 23), options: { width: 16, height: 16, letterbox: true, ...IMAGENET } },
  { name: '23x37 -> 16x16 letterbox (portrait) nhwc', frame: randomFrame(23, 37, 'rgb24', 4), options: { width: 16, height: 16, letterbox: true, layout: 'nhwc', padValue: 114 } },
  { name: '64x48 rgba -> 31x17 stretch nhwc', frame: randomFrame(64, 48, 'rgba', 5), options: { width: 31, height: 17, layout: 'nhwc' } },
  { name: '3x1 -> 4x4 letterbox (1-row content)', frame: randomFrame(3, 1, 'rgb24', 6), options: { width: 4, height: 4, letterbox: true } },
  { name: '7x5 -> 641x479 upsample letterbox', frame: randomFrame(7, 5, 'rgba', 7), options: { width: 641, height: 479, letterbox: true, padValue: 114, scale: 1 } },
  { name: '1920x1080 -> 512x512 nchw letterbox', frame: randomFrame(1920, 1080, 'rgb24', 8), options: { width: 512, height: 512, letterbox: true, ...IMAGENET } },
  { name: '333x999 rgba -> 320x320 nhwc letterbox', frame: randomFrame(333, 999, 'rgba', 9), options: { width: 320, height: 320, letterbox: true, layout: 'nhwc' } },
  { name: 'empty frame (0x0) throws', frame: { data: new Uint8Array(0), width: 0, height: 0, format: 'rgb24' }, options: { width: 4, height: 4 }, throws: true },
  { name: 'short frame buffer throws', frame: { data: new Uint8Array(11), width: 2, height: 2, format: 'rgb24' }, options: { width: 4, height: 4 }, throws: true },
  { name: 'zero std throws', frame: randomFrame(2, 2), options: { width: 4, height: 4, std: [1, 0, 1] }, throws: true },
];

const borderBoxes = new Float32Array([
  0, 0, 16, 12, // the whole map
  -3, -3, 1, 1, // over the top-left corner
  14, 10, 19, 15, // over the bottom-right corner
  30, 30, 40, 40, // entirely outside
  5, 5, 5, 5, // zero size
  8, 6, 2, 1, // reversed corners
  3.25, 2.5, 9.75, 7.125, // fractional
  -1, 4, 17, 5, // thin, wider than the map
]);

export function roiCases(): RoiCase[] {
  const cases: RoiCase[] = [];
  for (const layout of ['nchw', 'nhwc'] as const) {
    const map = randomMap(2, 5, 12, 16, layout);
    const batchIndices = new Int32Array(borderBoxes.length / 4).map((_, i) => i % 2);
    cases.push(
      { name: `${layout} border boxes adaptive sampling`, map, boxes: borderBoxes, options: { outputSize: [3, 4], batchIndices } },
      { name: `${layout} border boxes sampling 2`, map, boxes: borderBoxes, options: { outputSize: 7, samplingRatio: 2 } },
      { name: `${layout} aligned=false`, map, boxes: borderBoxes, options: { outputSize: [2, 5], aligned: false, samplingRatio: 3 } },
      {
        name: `${layout} image coordinates, spatialScale 1/8`,
        map,
        boxes: borderBoxes.map((v) => v * 8),
        options: { outputSize: [5, 3], spatialScale: 0.125, batchIndices },
      },
      { name: `${layout} 1x1 map`, map: randomMap(1, 3, 1, 1, layout), boxes: new Float32Array([0, 0, 1, 1, -0.5, -0.5, 0.5, 0.5]), options: { outputSize: 2 } },
      { name: `${layout} no boxes`, map, boxes: new Float32Array(0), options: { outputSize: 7 } },
      { name: `${layout} no channels`, map: randomMap(1, 0, 4, 4, layout), boxes: borderBoxes, options: { outputSize: 2 } },
      {
        name: `${layout} 100 boxes on 128x128x64`,
        map: randomMap(1, 64, 128, 128, layout, 11),
        boxes: randomDetections(100, 12).boxes.map((v) => v / 16),
        options: { outputSize: 7, samplingRatio: 2 },
      },
    );
  }
  const map = randomMap(1, 2, 4, 4, 'nchw');
  cases.push(
    { name: 'NaN box throws', map, boxes: new Float32Array([0, NaN, 1, 1]), options: { outputSize: 2 }, throws: true },
    { name: 'batch index out of range throws', map, boxes: new Float32Array([0, 0, 1, 1]), options: { outputSize: 2, batchIndices: new Int32Array([1]) }, throws: true },
    { name: 'box length not a multiple of 4 throws', map, boxes: new Float32Array(5), options: { outputSize: 2 }, throws: true },
  );
  return cases;
}

export function nmsCases(): NmsCase[] {
  const many = randomDetections(3000, 21, 4);
  const ties = new Float32Array([0, 0, 10, 10, 1, 0, 11, 10, 0, 1, 10, 11, 50, 50, 60, 60]);
  const nanScores = new Float32Array([0.5, NaN, 0.7, NaN]);
  return [
    { name: 'no boxes', boxes: new Float32Array(0), scores: new Float32Array(0), options: { iouThreshold: 0.5 } },
    { name: 'one box', boxes: new Float32Array([1, 2, 3, 4]), scores: new Float32Array([0.3]), options: { iouThreshold: 0.5 } },
    { name: '3000 boxes class-agnostic', boxes: many.boxes, scores: many.scores, options: { iouThreshold: 0.5 } },
    { name: '3000 boxes class-aware, threshold, max 150', boxes: many.boxes, scores: many.scores, options: { iouThreshold: 0.45, scoreThreshold: 0.25, maxDetections: 150, classIds: many.classIds } },
    { name: '3000 boxes iou 0 (any overlap suppresses)', boxes: many.boxes, scores: many.scores, options: { iouThreshold: 0 } },
    { name: '3000 boxes iou 1 (nothing suppressed)', boxes: many.boxes, scores: many.scores, options: { iouThreshold: 1 } },
    { name: 'negative threshold keeps one box per class', boxes: many.boxes, scores: many.scores, options: { iouThreshold: -1, classIds: many.classIds } },
    { name: 'equal scores keep index order', boxes: ties, scores: new Float32Array([0.5, 0.5, 0.5, 0.5]), options: { iouThreshold: 0.5 } },
    { name: 'NaN scores and degenerate boxes', boxes: new Float32Array([0, 0, 0, 10, 0, 0, 10, 10, 5, 5, 4, 4, 0, 0, 10, 10]), scores: nanScores, options: { iouThreshold: 0.1 } },
    { name: 'maxDetections 0', boxes: many.boxes, scores: many.scores, options: { iouThreshold: 0.5, maxDetections: 0 } },
    { name: 'scores length mismatch throws', boxes: new Float32Array(8), scores: new Float32Array(1), options: { iouThreshold: 0.5 }, throws: true },
  ];
}
