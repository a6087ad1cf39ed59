// Appearance embeddings from the detector's own feature map: each box is ROI-aligned on a map of
// the pass that found it (CenterNet's shared map, or the map a detector card names) (poolBoxFeatures, the pooling of attribute heads) and the
// pooled grid is averaged into horizontal bands (head / torso / legs by default) over the inner part
// of the box's width, where the person is rather than the background beside them. No second
// network: the map is an extra output of the detection pass.
//
// The raw band means of two people share a large common part (cosine distances under 0.05 on
// PETS09); the tracker gets a useful cue only once that part is removed, so callers center the
// embeddings with a running mean (EmbeddingCentering in @sightline/vision) before tracking.
import { getEngine, type FeatureMap, type NativeEngine } from '@sightline/native';
import type { FrameFeatures, InputMapping } from '../detect/object-detector.ts';
import { poolBoxFeatures } from './attribute-head.ts';

export interface BoxEmbeddingOptions {
  /** Horizontal bands, top to bottom, each pooled to one vector (default 3: head, torso, legs). */
  bands?: number;
  /** The centred fraction of the box's width that is pooled (default 0.6). */
  innerWidth?: number;
  /** Channels of the map (default: the map's last dimension). */
  channels?: number;
  /** Input pixels per map cell (default 4, CenterNet's stride; FrameFeatures.featureStride says it). */
  featureStride?: number;
  /** The native engine that ROI-aligns (default getEngine()). */
  engine?: NativeEngine;
}

/** The defaults measured on the PETS09 dev stretch (packages/cli/bench/appearance.bench.ts). */
export const BOX_EMBEDDING_DEFAULTS = { bands: 3, innerWidth: 0.6, featureStride: 4 } as const;

/** Length of one embedding: bands x channels (384 for CenterNet's 128-channel map and 3 bands). */
export function boxEmbeddingLength(channels: number, options: Pick<BoxEmbeddingOptions, 'bands'> = {}): number {
  return (options.bands ?? BOX_EMBEDDING_DEFAULTS.bands) * channels;
}

/**
 * One embedding per frame-pixel box (bands x channels, band-major), pooled from the NHWC feature
 * map of the pass that found the boxes; `mapping` is that pass's letterbox mapping. Uncentred: see
 * EmbeddingCentering.
 * @example const { detections, features, mapping } = await detector.detectWithFeatures(frame, { at: 'source' }); const embeddings = embedBoxes(features, detections.xyxy, mapping);
 */
export function embedBoxes(features: FeatureMap, boxesXyxy: Float32Array, mapping: InputMapping, options: BoxEmbeddingOptions = {}): Float32Array[] {
  const bands = options.bands ?? BOX_EMBEDDING_DEFAULTS.bands;
  const innerWidth = options.innerWidth ?? BOX_EMBEDDING_DEFAULTS.innerWidth;
  const channels = options.channels ?? features.shape[3];
  const featureStride = options.featureStride ?? BOX_EMBEDDING_DEFAULTS.featureStride;
  if (!Number.isInteger(bands) || bands < 1) throw new RangeError(`bands must be a whole number >= 1, got ${bands}`);
  if (!(innerWidth > 0 && innerWidth <= 1)) throw new RangeError(`innerWidth must be within (0, 1], got ${innerWidth}`);
  const k = boxesXyxy.length / 4;
  if (k === 0) return [];
  const inner = new Float32Array(k * 4);
  for (let i = 0; i < k; i++) {
    const o = i * 4;
    const cx = (boxesXyxy[o]! + boxesXyxy[o + 2]!) / 2;
    const half = ((boxesXyxy[o + 2]! - boxesXyxy[o]!) * innerWidth) / 2;
    inner.set([cx - half, boxesXyxy[o + 1]!, cx + half, boxesXyxy[o + 3]!], o);
  }
  // A bands x bands grid per box (ROI-align's bins are square in count); each row of bins is one
  // band, its columns averaged: the band's mean over the inner width.
  const pooled = poolBoxFeatures(options.engine ?? getEngine(), features, inner, mapping, { name: 'appearance', outputSize: bands, channels, featureStride });
  const out: Float32Array[] = [];
  for (let i = 0; i < k; i++) {
    const e = new Float32Array(bands * channels);
    for (let row = 0; row < bands; row++) {
      for (let col = 0; col < bands; col++) {
        const o = ((i * bands + row) * bands + col) * channels;
        for (let c = 0; c < channels; c++) e[row * channels + c]! += pooled[o + c]! / bands;
      }
    }
    out.push(e);
  }
  return out;
}

/**
 * `embedBoxes` on a pass's map at that map's own stride (FrameFeatures from a detector's stream:
 * CenterNet's stride 4, NanoDet's 8, a card's).
 * @example const text = formatAppearance(n, embedFrameBoxes(features, detections.xyxy));
 */
export function embedFrameBoxes(pass: FrameFeatures, boxesXyxy: Float32Array, options: Omit<BoxEmbeddingOptions, 'featureStride'> = {}): Float32Array[] {
  return embedBoxes(pass.features, boxesXyxy, pass.mapping, { ...options, featureStride: pass.featureStride });
}
