// Small people in wide frames: besides the whole frame, run the detector on overlapping square
// tiles along the long side (each seen at a larger scale), drop tile boxes cut by an inner tile
// border, and merge everything with class-aware NMS. Costs one network pass per tile more.
import { getEngine, type Frame, type NativeEngine } from '@sightline/native';
import { Detections } from '@sightline/vision';
import { cropFrame } from '../attributes/frame-crop.ts';
import { detectWithAppearanceMap, type FrameFeatures, type ObjectDetector } from './object-detector.ts';

export interface TileOptions {
  /** IoU above which merged boxes of one class suppress each other (default 0.5). */
  iouThreshold?: number;
  /** Pixels from an inner tile border within which a tile box counts as cut (default 4). */
  borderMargin?: number;
  engine?: NativeEngine;
}

/** Square tiles [x1, y1, x2, y2] covering the frame along its long side, overlapping evenly. */
export function squareTiles(width: number, height: number): [number, number, number, number][] {
  const side = Math.min(width, height);
  const long = Math.max(width, height);
  const n = Math.ceil(long / side - 1e-9);
  if (n <= 1) return [];
  const step = (long - side) / (n - 1 || 1);
  return Array.from({ length: n }, (_, i) => {
    const start = Math.round(i * step);
    return width >= height ? [start, 0, start + side, height] : [0, start, width, start + side];
  });
}

/**
 * Detections of the whole frame merged with those of its square tiles.
 * @example const people = await detectTiled(detector, frame);
 */
export async function detectTiled(detector: ObjectDetector, frame: Frame, options: TileOptions = {}): Promise<Detections> {
  return withTiles(detector, frame, await detector.detect(frame), options);
}

/**
 * The same merge, with the whole-frame pass also fetching the detector's appearance map
 * (`hasAppearanceMap`): every merged box, tile boxes included, can be pooled from that one map of
 * the whole frame.
 * @example const { detections, features } = await detectTiledWithMap(detector, frame); embedFrameBoxes(features, detections.xyxy);
 */
export async function detectTiledWithMap(detector: ObjectDetector, frame: Frame, options: TileOptions = {}): Promise<{ detections: Detections; features: FrameFeatures }> {
  const { detections, features } = await detectWithAppearanceMap(detector, frame);
  return { detections: await withTiles(detector, frame, detections, options), features };
}

/** `whole` (the whole frame's detections) merged with the tiles' after class-aware NMS. */
async function withTiles(detector: ObjectDetector, frame: Frame, whole: Detections, options: TileOptions): Promise<Detections> {
  const margin = options.borderMargin ?? 4;
  const parts: Detections[] = [whole];
  for (const [tx1, ty1, tx2, ty2] of squareTiles(frame.width, frame.height)) {
    const d = await detector.detect(cropFrame(frame, [tx1, ty1, tx2, ty2]));
    const inner = { left: tx1 > 0, top: ty1 > 0, right: tx2 < frame.width, bottom: ty2 < frame.height };
    const w = tx2 - tx1;
    const h = ty2 - ty1;
    const kept = d.filter((i) => {
      const [x1, y1, x2, y2] = d.box(i);
      return !((inner.left && x1 <= margin) || (inner.top && y1 <= margin) || (inner.right && x2 >= w - margin) || (inner.bottom && y2 >= h - margin));
    });
    const xyxy = kept.xyxy.map((v, k) => v + (k % 2 === 0 ? tx1 : ty1));
    parts.push(new Detections({ xyxy, confidence: kept.confidence, classId: kept.classId }));
  }
  const n = parts.reduce((s, p) => s + p.length, 0);
  const xyxy = new Float32Array(n * 4);
  const confidence = new Float32Array(n);
  const classId = new Int32Array(n);
  let o = 0;
  for (const p of parts) {
    xyxy.set(p.xyxy, o * 4);
    confidence.set(p.confidence, o);
    classId.set(p.classId, o);
    o += p.length;
  }
  const engine = options.engine ?? getEngine();
  const keep = engine.nmsSync(xyxy, confidence, { iouThreshold: options.iouThreshold ?? 0.5, classIds: classId });
  return new Detections({ xyxy, confidence, classId }).select(Array.from(keep));
}
