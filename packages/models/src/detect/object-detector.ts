// What every object detector offers (CenterNet and the card-described ONNX detectors), so the CLI,
// tiling and Scouter take any of them; and the one pipelined stream loop they share.
import type { FeatureMap, Frame } from '@sightline/native';
import type { Detections } from '@sightline/vision';
import type { ModelBackend } from '../backend/select-backend.ts';

/** Letterbox mapping: networkX = imageX * scaleX + offsetX. */
export interface InputMapping {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

/** The feature map of one network pass (NHWC), the letterbox that placed the frame on it and its stride. */
export interface FrameFeatures {
  features: FeatureMap;
  mapping: InputMapping;
  /** Network input pixels per map cell (CenterNet's shared map: 4). */
  featureStride: number;
}

/** Whether a pass fetches the feature map: no, at the detector's `featureShape` (true), or at the frame's own detection shape ('source'). */
export type FeaturePass = boolean | 'source';

export interface DetectStreamOptions<F> {
  /**
   * Frames for which the pass also fetches a feature map: true, CenterNet's shared map at its
   * `featureShape` (what trained heads learn on; detectors with `hasFeatures`), 'source' the map
   * the appearance cue pools, at the shape the frame's detections run at anyway, so the boxes stay
   * those of a plain pass (detectors with `hasAppearanceMap`).
   */
  withFeatures?: (frame: F) => FeaturePass;
}

export interface DetectorFilters {
  /** Keep boxes scoring at least this. */
  scoreThreshold?: number;
  /** Class indices to keep (in the detector's `classes`); default all. */
  classIds?: readonly number[];
}

export interface ObjectDetector {
  /** Model name (registry id or the card's name). */
  readonly name: string;
  /** Class names by class index. */
  readonly classes: readonly string[];
  /** The engine that runs the network, and why it was picked. */
  readonly backend: ModelBackend;
  /** Score calibration for the tracker, when the model's card gives one. */
  readonly trackerScores?: { readonly trackThresh: number; readonly newTrackThresh: number } | undefined;
  /** Whether a pass can also give the shared feature map attribute heads pool from (CenterNet). */
  readonly hasFeatures: boolean;
  /** Whether a pass can also give a feature map the appearance cue pools (CenterNet's; a card's `appearance` output). */
  readonly hasAppearanceMap: boolean;
  detect(frame: Frame): Promise<Detections>;
  /** Detections of a stream of frames, in order, each with the milliseconds its network pass alone took. */
  detectStream<F extends Frame>(frames: AsyncIterable<F>, options?: DetectStreamOptions<F>): AsyncGenerator<{ frame: F; detections: Detections; features?: FrameFeatures; networkMs: number }>;
  /** The same network (one session) with other filters. */
  withFilters(filters: DetectorFilters): ObjectDetector;
  release(): Promise<void>;
}

/**
 * One frame through `detector`'s stream with the map the appearance cue pools, fetched at the
 * shape its detections run at anyway (the boxes are those of a plain pass).
 * @example const { detections, features } = await detectWithAppearanceMap(detector, frame);
 */
export async function detectWithAppearanceMap(detector: ObjectDetector, frame: Frame): Promise<{ detections: Detections; features: FrameFeatures }> {
  if (!detector.hasAppearanceMap) throw new Error(`${detector.name} has no feature map for the appearance cue`);
  async function* one(): AsyncGenerator<Frame> {
    yield frame;
  }
  for await (const { detections, features } of detector.detectStream(one(), { withFeatures: () => 'source' })) {
    if (!features) throw new Error(`${detector.name} returned no feature map`);
    return { detections, features };
  }
  throw new Error(`${detector.name} gave no pass for the frame`);
}

/**
 * Runs `infer` on each frame in order while the next frame is prepared into the other of two input
 * buffers, so pre-processing hides behind inference. `buffers` is the pair, or picks the buffer of a
 * slot for a frame (a detector whose input shape follows the frame keeps a pair per shape). `infer`
 * sees the frame, so a detector can fetch more of the same pass for some frames (CenterNet's feature
 * map for attribute heads); `decode` turns the pass into what the stream yields beside the frame and
 * the network's own time (`networkMs`, so callers can put the whole path beside it).
 * @example yield* pipelined(frames, buffers, (f, b) => prepare(f, b), (b) => run(b), (raw, f, m) => ({ detections: decode(raw, f, m) }));
 */
export async function* pipelined<F extends Frame, R, O extends { detections: Detections }>(
  frames: AsyncIterable<F>,
  buffers: readonly [Float32Array, Float32Array] | ((frame: F, slot: 0 | 1) => Float32Array),
  prepareInto: (frame: F, out: Float32Array) => Promise<InputMapping>,
  infer: (input: Float32Array, frame: F) => Promise<R>,
  decode: (raw: R, frame: F, mapping: InputMapping) => O,
): AsyncGenerator<O & { frame: F; networkMs: number }> {
  const iterator = frames[Symbol.asyncIterator]();
  const bufferOf = typeof buffers === 'function' ? buffers : (_: F, slot: 0 | 1) => buffers[slot];
  const next = async (slot: 0 | 1): Promise<{ frame: F; input: Float32Array; mapping: InputMapping } | undefined> => {
    const r = await iterator.next();
    if (r.done) return undefined;
    const input = bufferOf(r.value, slot);
    return { frame: r.value, input, mapping: await prepareInto(r.value, input) };
  };
  let slot: 0 | 1 = 0;
  let current = await next(slot);
  try {
    while (current) {
      const following = next(slot === 0 ? 1 : 0);
      // Keep a failed read from becoming an unhandled rejection while the network runs.
      following.catch(() => undefined);
      const started = performance.now();
      const raw = await infer(current.input, current.frame);
      const networkMs = performance.now() - started;
      yield { ...decode(raw, current.frame, current.mapping), frame: current.frame, networkMs };
      current = await following;
      slot = slot === 0 ? 1 : 0;
    }
  } finally {
    await iterator.return?.();
  }
}
