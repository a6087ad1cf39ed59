// Pooled ROI features of labelled boxes, one detector pass per frame: the frame goes through
// CenterNet with its feature-map output (detectWithFeatures, the same pass as live inference) and every box is ROI-aligned on
// the shared feature map with poolBoxFeatures (as AttributeHead does). Each frame's pooled
// features are written to a cache file keyed by the image, the boxes and the pooling, so later
// jobs and epochs never rerun the backbone.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getEngine, type Frame, type NativeEngine } from '@sightline/native';
import { poolBoxFeatures } from '../attributes/attribute-head.ts';
import type { CenterNetDetector } from '../detect/centernet.detector.ts';

/**
 * CenterNet's shared map: 128 channels at stride 4 of the input (the detector's featureShape, 512x512 by default). `model` keys the cache
 * files; it keeps the name of the graph the first caches were built with (the same weights and map).
 */
export const SHARED_FEATURES = { channels: 128, featureStride: 4, model: 'centernet-multitask' } as const;

export interface FrameBoxes {
  /** The frame image (any format the loader reads). */
  imagePath: string;
  /** Frame-pixel boxes, 4 values each. */
  boxesXyxy: Float32Array;
}

export interface FeatureCacheOptions {
  roiSize: number;
  /** Folder of cache files; none: nothing is written or read. */
  cacheDir?: string;
  loadFrame: (path: string) => Promise<Frame>;
  engine?: NativeEngine;
  onFrame?: (done: number, total: number) => void;
}

export interface FeatureCacheResult {
  /** Per frame, [boxes, S, S, C] pooled features (NHWC) in box order. */
  perFrame: Float32Array[];
  side: number;
  channels: number;
  /** Frames whose features were computed now (the others came from the cache). */
  computedFrames: number;
  /** Wall time of the computed frames: decode + network + pooling, per frame. */
  secondsPerComputedFrame: number;
}

async function cacheKey(frame: FrameBoxes, roiSize: number, featureShape: readonly number[]): Promise<string> {
  const info = await stat(frame.imagePath);
  const h = createHash('sha1');
  // The map's input shape changes the features (a detector with a fixed inputSize pools another map).
  h.update(JSON.stringify([SHARED_FEATURES.model, featureShape.join('x'), roiSize, frame.imagePath, info.size, info.mtimeMs]));
  h.update(new Uint8Array(frame.boxesXyxy.buffer, frame.boxesXyxy.byteOffset, frame.boxesXyxy.byteLength));
  return h.digest('hex');
}

/**
 * Pooled features of every frame's boxes, from the cache when present.
 * @example const { perFrame } = await buildFeatureCache(detector, frames, { roiSize: 4, cacheDir, loadFrame: (p) => decodeImageRgb(p).then((i) => ({ ...i, format: 'rgb24' })) });
 */
export async function buildFeatureCache(detector: CenterNetDetector, frames: readonly FrameBoxes[], options: FeatureCacheOptions): Promise<FeatureCacheResult> {
  const engine = options.engine ?? getEngine();
  const { roiSize } = options;
  const { channels, featureStride } = SHARED_FEATURES;
  const perBox = roiSize * roiSize * channels;
  if (options.cacheDir) await mkdir(options.cacheDir, { recursive: true });
  const perFrame: Float32Array[] = [];
  let computed = 0, seconds = 0;
  for (const [i, frame] of frames.entries()) {
    const k = frame.boxesXyxy.length / 4;
    const file = options.cacheDir ? join(options.cacheDir, `${await cacheKey(frame, roiSize, detector.featureShape)}.f32`) : undefined;
    let pooled: Float32Array | undefined;
    if (file) {
      const bytes = await readFile(file).catch(() => undefined);
      if (bytes && bytes.byteLength === k * perBox * 4) pooled = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    if (!pooled) {
      const started = performance.now();
      const image = await options.loadFrame(frame.imagePath);
      const { features, mapping } = await detector.detectWithFeatures(image);
      pooled = k > 0 ? poolBoxFeatures(engine, features, frame.boxesXyxy, mapping, { name: 'training', outputSize: roiSize, channels, featureStride }) : new Float32Array(0);
      seconds += (performance.now() - started) / 1000;
      computed++;
      if (file) {
        // Written under a temporary name then renamed: a crash never leaves a half file that loads.
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, new Uint8Array(pooled.buffer, pooled.byteOffset, pooled.byteLength));
        await rename(tmp, file);
      }
    }
    perFrame.push(pooled);
    options.onFrame?.(i + 1, frames.length);
  }
  return { perFrame, side: roiSize, channels, computedFrames: computed, secondsPerComputedFrame: computed ? seconds / computed : 0 };
}
