// Argument checks and defaults shared by every backend. A plan is exactly the parameter object
// the addon receives, so the letterbox geometry is computed once, here, for all backends.
import type { FeatureMap, Frame, FrameTensor, FrameToTensorOptions, NmsOptions, RoiAlignOptions, RoiAlignResult, Triple } from './engine.ts';

export interface FramePlan {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
  out: Float32Array;
  outWidth: number;
  outHeight: number;
  padX: number;
  padY: number;
  contentWidth: number;
  contentHeight: number;
  padValue: number;
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  nchw: boolean;
}

export interface RoiPlan {
  input: Float32Array;
  n: number;
  c: number;
  h: number;
  w: number;
  nchw: boolean;
  boxes: Float32Array;
  batchIndices: Int32Array | undefined;
  outHeight: number;
  outWidth: number;
  spatialScale: number;
  samplingRatio: number;
  aligned: boolean;
  out: Float32Array;
}

export interface NmsPlan {
  boxes: Float32Array;
  scores: Float32Array;
  classIds: Int32Array | undefined;
  iouThreshold: number;
  scoreThreshold: number;
  maxDetections: number;
}

const MAX_SIDE = 2 ** 20;
const MAX_COORD = 2 ** 24;

function sizeArg(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer between 1 and ${max}, got ${String(value)}`);
  }
  return value;
}

function finiteArg(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  return value;
}

function tripleArg(name: string, value: Triple, nonZero: boolean): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) throw new TypeError(`${name} must be three numbers (R, G, B)`);
  const t: [number, number, number] = [finiteArg(`${name}[0]`, value[0]), finiteArg(`${name}[1]`, value[1]), finiteArg(`${name}[2]`, value[2])];
  if (nonZero && t.includes(0)) throw new RangeError(`${name} must not contain 0`);
  return t;
}

function typedArg<T>(name: string, value: unknown, ctor: abstract new (...a: never[]) => T, typeName: string): T {
  if (!(value instanceof ctor)) throw new TypeError(`${name} must be a ${typeName}`);
  return value;
}

function outArg(out: Float32Array | undefined, length: number): Float32Array {
  if (out === undefined) return new Float32Array(length);
  typedArg('out', out, Float32Array, 'Float32Array');
  if (out.length !== length) throw new RangeError(`out must hold exactly ${length} floats, has ${out.length}`);
  return out;
}

/** Where the resized frame lands in the output: the whole output, or centred with its aspect kept. */
export function frameGeometry(srcW: number, srcH: number, outW: number, outH: number, letterbox: boolean) {
  if (!letterbox) return { padX: 0, padY: 0, contentWidth: outW, contentHeight: outH };
  const scale = Math.min(outW / srcW, outH / srcH);
  const contentWidth = Math.min(outW, Math.max(1, Math.round(srcW * scale)));
  const contentHeight = Math.min(outH, Math.max(1, Math.round(srcH * scale)));
  return {
    padX: Math.floor((outW - contentWidth) / 2),
    padY: Math.floor((outH - contentHeight) / 2),
    contentWidth,
    contentHeight,
  };
}

export function planFrame(frame: Frame, options: FrameToTensorOptions): FramePlan {
  const data = typedArg('frame.data', frame.data, Uint8Array, 'Uint8Array');
  const width = sizeArg('frame.width', frame.width, MAX_SIDE);
  const height = sizeArg('frame.height', frame.height, MAX_SIDE);
  if (frame.format !== 'rgb24' && frame.format !== 'rgba') throw new TypeError(`frame.format must be 'rgb24' or 'rgba', got ${String(frame.format)}`);
  const channels = frame.format === 'rgba' ? 4 : 3;
  if (data.length < width * height * channels) {
    throw new RangeError(`frame.data has ${data.length} bytes, a ${width}x${height} ${frame.format} frame needs ${width * height * channels}`);
  }
  const outWidth = sizeArg('width', options.width, MAX_SIDE);
  const outHeight = sizeArg('height', options.height, MAX_SIDE);
  const layout = options.layout ?? 'nchw';
  if (layout !== 'nchw' && layout !== 'nhwc') throw new TypeError(`layout must be 'nchw' or 'nhwc', got ${String(layout)}`);
  return {
    data,
    width,
    height,
    channels,
    out: outArg(options.out, outWidth * outHeight * 3),
    outWidth,
    outHeight,
    ...frameGeometry(width, height, outWidth, outHeight, options.letterbox ?? false),
    padValue: finiteArg('padValue', options.padValue ?? 0),
    scale: finiteArg('scale', options.scale ?? 1 / 255),
    mean: tripleArg('mean', options.mean ?? [0, 0, 0], false),
    std: tripleArg('std', options.std ?? [1, 1, 1], true),
    nchw: layout === 'nchw',
  };
}

export function frameResult(plan: FramePlan): FrameTensor {
  const { outWidth: w, outHeight: h } = plan;
  return {
    data: plan.out,
    shape: plan.nchw ? [1, 3, h, w] : [1, h, w, 3],
    layout: plan.nchw ? 'nchw' : 'nhwc',
    scaleX: plan.contentWidth / plan.width,
    scaleY: plan.contentHeight / plan.height,
    offsetX: plan.padX,
    offsetY: plan.padY,
  };
}

export function planRoi(map: FeatureMap, boxes: Float32Array, options: RoiAlignOptions): RoiPlan {
  const input = typedArg('featureMap.data', map.data, Float32Array, 'Float32Array');
  typedArg('boxesXyxy', boxes, Float32Array, 'Float32Array');
  if (map.layout !== 'nchw' && map.layout !== 'nhwc') throw new TypeError(`featureMap.layout must be 'nchw' or 'nhwc'`);
  const nchw = map.layout === 'nchw';
  if (!Array.isArray(map.shape) || map.shape.length !== 4) throw new TypeError('featureMap.shape must have 4 entries');
  const [n, d1, d2, d3] = map.shape;
  const [c, h, w] = nchw ? [d1, d2, d3] : [d3, d1, d2];
  sizeArg('featureMap batch', n, 2 ** 31);
  sizeArg('featureMap height', h, MAX_SIDE);
  sizeArg('featureMap width', w, MAX_SIDE);
  if (!Number.isInteger(c) || c < 0) throw new RangeError(`featureMap channels must be an integer >= 0, got ${c}`);
  if (input.length !== n * c * h * w) throw new RangeError(`featureMap.data has ${input.length} floats, shape [${map.shape.join(', ')}] needs ${n * c * h * w}`);
  if (boxes.length % 4 !== 0) throw new RangeError(`boxesXyxy length ${boxes.length} is not a multiple of 4`);
  const k = boxes.length / 4;
  const size = options.outputSize;
  const [outHeight, outWidth] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  sizeArg('outputSize height', outHeight, 4096);
  sizeArg('outputSize width', outWidth, 4096);
  const spatialScale = finiteArg('spatialScale', options.spatialScale ?? 1);
  if (spatialScale <= 0) throw new RangeError(`spatialScale must be positive, got ${spatialScale}`);
  const samplingRatio = options.samplingRatio ?? -1;
  if (!Number.isInteger(samplingRatio) || samplingRatio > 1024) throw new RangeError(`samplingRatio must be an integer <= 1024, got ${samplingRatio}`);
  for (let i = 0; i < boxes.length; i++) {
    const v = boxes[i]! * spatialScale;
    if (!Number.isFinite(v) || Math.abs(v) > MAX_COORD) {
      throw new RangeError(`box ${Math.floor(i / 4)} has a non-finite coordinate or one beyond 2^24 feature pixels`);
    }
  }
  const batchIndices = options.batchIndices;
  if (batchIndices !== undefined) {
    typedArg('batchIndices', batchIndices, Int32Array, 'Int32Array');
    if (batchIndices.length !== k) throw new RangeError(`batchIndices has ${batchIndices.length} entries for ${k} boxes`);
    batchIndices.forEach((b, i) => {
      if (b < 0 || b >= n) throw new RangeError(`box ${i} has batch index ${b} outside [0, ${n})`);
    });
  }
  return {
    input, n, c, h, w, nchw, boxes, batchIndices, outHeight, outWidth, spatialScale, samplingRatio,
    aligned: options.aligned ?? true,
    out: outArg(options.out, k * c * outHeight * outWidth),
  };
}

export function roiResult(plan: RoiPlan): RoiAlignResult {
  const k = plan.boxes.length / 4;
  return {
    data: plan.out,
    shape: plan.nchw ? [k, plan.c, plan.outHeight, plan.outWidth] : [k, plan.outHeight, plan.outWidth, plan.c],
    layout: plan.nchw ? 'nchw' : 'nhwc',
  };
}

export function planNms(boxes: Float32Array, scores: Float32Array, options: NmsOptions): NmsPlan {
  typedArg('boxesXyxy', boxes, Float32Array, 'Float32Array');
  typedArg('scores', scores, Float32Array, 'Float32Array');
  if (boxes.length % 4 !== 0) throw new RangeError(`boxesXyxy length ${boxes.length} is not a multiple of 4`);
  const k = boxes.length / 4;
  if (scores.length !== k) throw new RangeError(`scores has ${scores.length} entries for ${k} boxes`);
  const classIds = options.classIds;
  if (classIds !== undefined) {
    typedArg('classIds', classIds, Int32Array, 'Int32Array');
    if (classIds.length !== k) throw new RangeError(`classIds has ${classIds.length} entries for ${k} boxes`);
  }
  const { iouThreshold } = options;
  if (typeof iouThreshold !== 'number' || Number.isNaN(iouThreshold)) throw new RangeError('iouThreshold must be a number');
  const scoreThreshold = options.scoreThreshold ?? -Infinity;
  if (typeof scoreThreshold !== 'number' || Number.isNaN(scoreThreshold)) throw new RangeError('scoreThreshold must be a number');
  const maxDetections = options.maxDetections ?? Infinity;
  if (!(maxDetections === Infinity || (Number.isInteger(maxDetections) && maxDetections >= 0))) {
    throw new RangeError(`maxDetections must be an integer >= 0 or Infinity, got ${maxDetections}`);
  }
  return { boxes, scores, classIds, iouThreshold, scoreThreshold, maxDetections };
}

/** Maps boxes from tensor pixels back to frame pixels (undoes the resize and letterbox), in place. */
export function tensorToImageXyxy(boxesXyxy: Float32Array, tensor: Pick<FrameTensor, 'scaleX' | 'scaleY' | 'offsetX' | 'offsetY'>): Float32Array {
  for (let i = 0; i + 3 < boxesXyxy.length; i += 4) {
    boxesXyxy[i] = (boxesXyxy[i]! - tensor.offsetX) / tensor.scaleX;
    boxesXyxy[i + 1] = (boxesXyxy[i + 1]! - tensor.offsetY) / tensor.scaleY;
    boxesXyxy[i + 2] = (boxesXyxy[i + 2]! - tensor.offsetX) / tensor.scaleX;
    boxesXyxy[i + 3] = (boxesXyxy[i + 3]! - tensor.offsetY) / tensor.scaleY;
  }
  return boxesXyxy;
}
