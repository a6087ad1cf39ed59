// The one interface every backend (TypeScript reference, C++, CUDA) implements.

import type { Frame, FrameFormat } from '@sightline/vision';

// The frame is packages/vision's, the one value the whole path passes.
export type { Frame, FrameFormat };
export type BackendName = 'ts' | 'cpp' | 'cuda';
export type TensorLayout = 'nchw' | 'nhwc';
export type Triple = readonly [number, number, number];

export interface FrameToTensorOptions {
  /** Output tensor width and height in pixels. */
  width: number;
  height: number;
  /** Keep the aspect ratio and pad (default false: stretch to the output size). */
  letterbox?: boolean;
  /** Raw 0..255 value of the padding, normalised like the pixels (default 0). */
  padValue?: number;
  /** Multiplier applied before mean/std (default 1/255). */
  scale?: number;
  /** Per-channel (RGB) mean and std: out = (pixel * scale - mean) / std (defaults 0 and 1). */
  mean?: Triple;
  std?: Triple;
  layout?: TensorLayout;
  /** Reused output buffer of exactly 3 * width * height floats. */
  out?: Float32Array;
}

/** The tensor plus the mapping back to the frame: imageX = (tensorX - offsetX) / scaleX. */
export interface FrameTensor {
  data: Float32Array;
  shape: [number, number, number, number];
  layout: TensorLayout;
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

/** A float feature map; `shape` is [n, c, h, w] for nchw and [n, h, w, c] for nhwc. */
export interface FeatureMap {
  data: Float32Array;
  shape: readonly [number, number, number, number];
  layout: TensorLayout;
}

export interface RoiAlignOptions {
  /** Output [height, width], or one number for a square. */
  outputSize: number | readonly [number, number];
  /** Multiplies box coordinates into feature-map pixels (1 when boxes are already there; 1/stride for image boxes). */
  spatialScale?: number;
  /** Samples per bin side; <= 0 picks ceil(box size / output size) like torchvision (default -1). */
  samplingRatio?: number;
  /** Half-pixel shift of torchvision's aligned=true (default true). */
  aligned?: boolean;
  /** Batch item of each box (default all 0). */
  batchIndices?: Int32Array;
  out?: Float32Array;
}

/** Crops: shape [k, c, oh, ow] (nchw) or [k, oh, ow, c] (nhwc), same layout as the input map. */
export interface RoiAlignResult {
  data: Float32Array;
  shape: [number, number, number, number];
  layout: TensorLayout;
}

export interface NmsOptions {
  /** A box is suppressed by a higher-scored kept box when their IoU is greater than this. */
  iouThreshold: number;
  /** Boxes scoring below this are dropped first (default -Infinity; NaN scores always are). */
  scoreThreshold?: number;
  /** Stop after this many kept boxes (default Infinity). */
  maxDetections?: number;
  /** Class of each box: when given, boxes only suppress boxes of their own class. */
  classIds?: Int32Array;
}

export interface NativeEngine {
  readonly backendName: BackendName;
  /** CUDA devices usable by this process (0 without a GPU, a driver or a CUDA build). */
  cudaDeviceCount(): number;
  frameToTensor(frame: Frame, options: FrameToTensorOptions): Promise<FrameTensor>;
  frameToTensorSync(frame: Frame, options: FrameToTensorOptions): FrameTensor;
  roiAlign(featureMap: FeatureMap, boxesXyxy: Float32Array, options: RoiAlignOptions): Promise<RoiAlignResult>;
  roiAlignSync(featureMap: FeatureMap, boxesXyxy: Float32Array, options: RoiAlignOptions): RoiAlignResult;
  /** Kept box indices, highest score first (ties: lower index first). */
  nms(boxesXyxy: Float32Array, scores: Float32Array, options: NmsOptions): Promise<Int32Array>;
  nmsSync(boxesXyxy: Float32Array, scores: Float32Array, options: NmsOptions): Int32Array;
}

export interface BackendInfo {
  name: BackendName;
  available: boolean;
  /** What was found, or why the backend cannot run here and how to fix it. */
  detail: string;
}
