// CenterNet (COCO) person/vehicle detector: letterboxed frame -> network -> boxes in frame
// pixels -> score and class filter -> class-aware NMS. Pre-processing and NMS run on the native
// kernels (C++/CUDA when built, else their TypeScript reference).
import { getEngine, type FeatureMap, type Frame, type NativeEngine } from '@sightline/native';
import { Detections } from '@sightline/vision';
import type { Backend, InferenceSession } from '../backend/backend.ts';
import { createModelSession, type BackendChoice, type ModelBackend } from '../backend/select-backend.ts';
import { centernetInputFor } from '../convert/centernet-input.ts';
import { ensureOnnxModel } from '../registry/model-cache.ts';
import { modelCard } from '../registry/model-cards.ts';

export interface CenterNetOptions {
  /** Keep boxes scoring at least this (default 0.3). */
  scoreThreshold?: number;
  /** NMS: a box is dropped when it overlaps a better box of its class by more than this IoU (default 0.5). */
  iouThreshold?: number;
  /** COCO class indices to keep (0 = person); default all. */
  classIds?: readonly number[];
  /** Raw 0..255 value of the letterbox padding (default 0). */
  padValue?: number;
  /** 'centernet-multitask' also returns the shared feature map (see detectWithFeatures). */
  model?: 'centernet' | 'centernet-multitask';
  /**
   * Network input [height, width] (multiples of 32), or 'source': shaped to each frame's aspect
   * (see centernetInputFor: 512x384 for 4:3, 640x384 for 16:9, 512x512 when square), one session
   * per shape met. Default: 'source' for 'centernet' (bench/input-size.bench.ts), the card's
   * 512x512 for 'centernet-multitask' (the feature map its attribute heads were trained on).
   */
  inputSize?: readonly [number, number] | 'source';
  /** A backend to use as is; else SIGHTLINE_BACKEND / SIGHTLINE_BACKEND_CENTERNET or `backendChoice` decide. */
  backend?: Backend;
  backendChoice?: BackendChoice;
  threads?: number;
  engine?: NativeEngine;
}

/** Raw network output for one frame: 100 rows of x1, y1, x2, y2 (network pixels), score, class. */
export type RawDetections = Float32Array;

const ROW = 6;
const DETECTIONS = 'tower_0/detections';
const FEATURES = 'tower_0/CenternetHead/mul';

/** Letterbox mapping: networkX = imageX * scaleX + offsetX. */
export interface InputMapping {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

type Shape = readonly [number, number];

/** The sessions of one loaded model, one per input shape, shared by every filter view of it. */
class ShapeSessions {
  private readonly byShape = new Map<string, Promise<InferenceSession>>();

  constructor(
    readonly model: 'centernet' | 'centernet-multitask',
    readonly base: { shape: Shape; session: InferenceSession },
    private readonly open: (shape: Shape) => Promise<InferenceSession>,
  ) {
    this.byShape.set(base.shape.join('x'), Promise.resolve(base.session));
  }

  get(shape: Shape): Promise<InferenceSession> {
    const key = shape.join('x');
    let session = this.byShape.get(key);
    if (!session) {
      session = this.open(shape);
      session.catch(() => this.byShape.delete(key));
      this.byShape.set(key, session);
    }
    return session;
  }

  async release(): Promise<void> {
    const all = [...this.byShape.values()];
    this.byShape.clear();
    for (const s of all) await (await s.catch(() => undefined))?.release();
  }
}

export class CenterNetDetector {
  /** The input shape [height, width] of frames whose shape is not picked from the source. */
  readonly inputSize: Shape;
  private readonly input: Float32Array;

  private constructor(
    private readonly sessions: ShapeSessions,
    /** The engine that runs the network, and why it was picked. */
    readonly backend: ModelBackend,
    private readonly engine: NativeEngine,
    private readonly options: Required<Pick<CenterNetOptions, 'scoreThreshold' | 'iouThreshold' | 'padValue'>> & { classIds?: Set<number>; fromSource: boolean },
  ) {
    this.inputSize = sessions.base.shape;
    this.input = new Float32Array(this.inputSize[0] * this.inputSize[1] * 3);
  }

  private readonly sourceShapes = new Map<string, Shape>();

  /** The network input [height, width] a frame of this size runs at (the same array for the same size). */
  shapeFor(frame: { width: number; height: number }): Shape {
    if (!this.options.fromSource) return this.inputSize;
    const key = `${frame.width}x${frame.height}`;
    let shape = this.sourceShapes.get(key);
    if (!shape) {
      const picked = centernetInputFor([frame.width, frame.height]);
      shape = picked[0] === this.inputSize[0] && picked[1] === this.inputSize[1] ? this.inputSize : picked;
      this.sourceShapes.set(key, shape);
    }
    return shape;
  }

  /**
   * Loads (converting on first use) the CenterNet model.
   * @example const detector = await CenterNetDetector.create({ classIds: [0] });
   */
  static async create(options: CenterNetOptions = {}): Promise<CenterNetDetector> {
    const scoreThreshold = options.scoreThreshold ?? 0.3;
    const iouThreshold = options.iouThreshold ?? 0.5;
    if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) throw new RangeError(`scoreThreshold must be within 0..1, got ${scoreThreshold}`);
    if (!(iouThreshold > 0 && iouThreshold <= 1)) throw new RangeError(`iouThreshold must be within (0, 1], got ${iouThreshold}`);
    const model = options.model ?? 'centernet';
    const cardSize = modelCard(model).input.size;
    const inputSize = options.inputSize ?? (model === 'centernet' ? 'source' : cardSize);
    const base: Shape = inputSize === 'source' ? cardSize : inputSize;
    const open = async (shape: Shape) =>
      createModelSession(model, await ensureOnnxModel(model, { inputSize: shape }), {
        ...(options.threads ? { threads: options.threads } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
        ...(options.backendChoice ? { choice: options.backendChoice } : {}),
      });
    const { session, backend } = await open(base);
    const sessions = new ShapeSessions(model, { shape: base, session }, async (shape) => (await open(shape)).session);
    return new CenterNetDetector(sessions, backend, options.engine ?? getEngine(), {
      scoreThreshold,
      iouThreshold,
      padValue: options.padValue ?? 0,
      fromSource: inputSize === 'source',
      ...(options.classIds ? { classIds: new Set(options.classIds) } : {}),
    });
  }

  /**
   * The same network (one session, no second copy in memory) with other filters: the score
   * threshold and classes kept. Cameras and pre-labeling jobs with different filters share one model.
   * @example const people = detector.withFilters({ classIds: [0], scoreThreshold: 0.4 });
   */
  withFilters(filters: Pick<CenterNetOptions, 'scoreThreshold' | 'classIds'>): CenterNetDetector {
    const scoreThreshold = filters.scoreThreshold ?? this.options.scoreThreshold;
    if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) throw new RangeError(`scoreThreshold must be within 0..1, got ${scoreThreshold}`);
    return new CenterNetDetector(this.sessions, this.backend, this.engine, {
      scoreThreshold,
      iouThreshold: this.options.iouThreshold,
      padValue: this.options.padValue,
      fromSource: this.options.fromSource,
      ...(filters.classIds ? { classIds: new Set(filters.classIds) } : {}),
    });
  }

  /** Letterboxes a frame into the network input (NHWC, 0..255 floats) and says how to map back. */
  prepare(frame: Frame): InputMapping {
    return this.prepareSync(frame, this.inputSize, this.input);
  }

  /**
   * A frame's network input in a buffer of its own, at the shape that frame runs at: what
   * `runNetwork(input, shape)` takes (benchmarks time the network alone on it).
   * @example const { input, shape } = detector.prepareInput(frame); await detector.runNetwork(input, shape);
   */
  prepareInput(frame: Frame): { input: Float32Array; shape: Shape; mapping: InputMapping } {
    const shape = this.shapeFor(frame);
    const input = new Float32Array(shape[0] * shape[1] * 3);
    return { input, shape, mapping: this.prepareSync(frame, shape, input) };
  }

  private prepareSync(frame: Frame, [h, w]: Shape, out: Float32Array): InputMapping {
    const t = this.engine.frameToTensorSync(frame, { width: w, height: h, letterbox: true, padValue: this.options.padValue, scale: 1, layout: 'nhwc', out });
    return { scaleX: t.scaleX, scaleY: t.scaleY, offsetX: t.offsetX, offsetY: t.offsetY };
  }

  /** Letterboxes into a given buffer on the native engine's worker threads (see detectStream). */
  private async prepareInto(frame: Frame, [h, w]: Shape, out: Float32Array): Promise<InputMapping> {
    const t = await this.engine.frameToTensor(frame, { width: w, height: h, letterbox: true, padValue: this.options.padValue, scale: 1, layout: 'nhwc', out });
    return { scaleX: t.scaleX, scaleY: t.scaleY, offsetX: t.offsetX, offsetY: t.offsetY };
  }

  /** An input buffer of `shape`: the default one when it fits, else a fresh one. */
  private bufferFor(shape: Shape): Float32Array {
    return shape === this.inputSize ? this.input : new Float32Array(shape[0] * shape[1] * 3);
  }

  /**
   * Detections for a stream of frames, in order. The next frame is letterboxed while the network
   * runs on the current one (two input buffers), so pre-processing hides behind inference.
   * @example for await (const { frame, detections } of detector.detectStream(decodeVideoFrames(path))) write(frame, detections);
   */
  async *detectStream<F extends Frame>(frames: AsyncIterable<F>): AsyncGenerator<{ frame: F; detections: Detections; networkMs: number }> {
    // Two input buffers per shape met (cameras of one stream may differ in aspect).
    const pairs = new Map<Shape, readonly [Float32Array, Float32Array]>();
    const buffersFor = (shape: Shape) => {
      let pair = pairs.get(shape);
      if (!pair) pairs.set(shape, (pair = [new Float32Array(shape[0] * shape[1] * 3), new Float32Array(shape[0] * shape[1] * 3)]));
      return pair;
    };
    const iterator = frames[Symbol.asyncIterator]();
    const next = async (slot: 0 | 1): Promise<{ frame: F; mapping: InputMapping; shape: Shape; input: Float32Array } | undefined> => {
      const r = await iterator.next();
      if (r.done) return undefined;
      const shape = this.shapeFor(r.value);
      const input = buffersFor(shape)[slot];
      return { frame: r.value, mapping: await this.prepareInto(r.value, shape, input), shape, input };
    };
    let slot: 0 | 1 = 0;
    let current = await next(slot);
    try {
      while (current) {
        const following = next(slot === 0 ? 1 : 0);
        // Keep a failed read from becoming an unhandled rejection while the network runs.
        following.catch(() => undefined);
        const started = performance.now();
        const raw = await this.runNetwork(current.input, current.shape);
        // The network's own time, so callers can put the whole path beside it.
        const networkMs = performance.now() - started;
        yield { frame: current.frame, detections: this.decode(raw, current.frame, current.mapping), networkMs };
        current = await following;
        slot = slot === 0 ? 1 : 0;
      }
    } finally {
      await iterator.return?.();
    }
  }

  /** The network alone on the prepared input of `shape` ([height, width]; default the detector's input size). */
  async runNetwork(input: Float32Array = this.input, shape: Shape = this.inputSize): Promise<RawDetections> {
    const session = await this.sessions.get(shape);
    const out = await session.run({ [session.inputNames[0]!]: { type: 'float32', dims: [1, shape[0], shape[1], 3], data: input } }, [DETECTIONS]);
    return out[DETECTIONS]!.data as Float32Array;
  }

  /**
   * One network pass giving the detections and the shared NHWC feature map (stride 4) that
   * attribute heads pool from. Needs `model: 'centernet-multitask'`.
   * @example const { detections, features, mapping } = await detector.detectWithFeatures(frame);
   */
  async detectWithFeatures(frame: Frame): Promise<{ detections: Detections; features: FeatureMap; mapping: InputMapping }> {
    if (this.sessions.model !== 'centernet-multitask') throw new Error('detectWithFeatures needs the detector created with model: "centernet-multitask"');
    const shape = this.shapeFor(frame);
    const session = await this.sessions.get(shape);
    const input = this.bufferFor(shape);
    const mapping = this.prepareSync(frame, shape, input);
    const out = await session.run({ [session.inputNames[0]!]: { type: 'float32', dims: [1, shape[0], shape[1], 3], data: input } }, [DETECTIONS, FEATURES]);
    const f = out[FEATURES]!;
    const features: FeatureMap = { data: f.data as Float32Array, shape: f.dims as [number, number, number, number], layout: 'nhwc' };
    return { detections: this.decode(out[DETECTIONS]!.data as Float32Array, frame, mapping), features, mapping };
  }

  /** Raw rows -> filtered, NMS-ed detections in frame pixels. */
  decode(raw: RawDetections, frame: { width: number; height: number }, map: InputMapping): Detections {
    const { scoreThreshold, iouThreshold, classIds } = this.options;
    const rows = raw.length / ROW;
    const xyxy: number[] = [];
    const scores: number[] = [];
    const classes: number[] = [];
    for (let i = 0; i < rows; i++) {
      const o = i * ROW;
      const score = raw[o + 4]!;
      const cls = raw[o + 5]!;
      if (!(score >= scoreThreshold) || !Number.isFinite(cls) || (classIds && !classIds.has(cls))) continue;
      const x1 = clamp((raw[o]! - map.offsetX) / map.scaleX, frame.width);
      const y1 = clamp((raw[o + 1]! - map.offsetY) / map.scaleY, frame.height);
      const x2 = clamp((raw[o + 2]! - map.offsetX) / map.scaleX, frame.width);
      const y2 = clamp((raw[o + 3]! - map.offsetY) / map.scaleY, frame.height);
      if (x2 - x1 < 1 || y2 - y1 < 1) continue;
      xyxy.push(x1, y1, x2, y2);
      scores.push(score);
      classes.push(cls);
    }
    const boxes = Float32Array.from(xyxy);
    const conf = Float32Array.from(scores);
    const classId = Int32Array.from(classes);
    const keep = this.engine.nmsSync(boxes, conf, { iouThreshold, classIds: classId });
    return new Detections({ xyxy: boxes, confidence: conf, classId }).select(Array.from(keep));
  }

  /**
   * Detects objects in one RGB frame of any size and aspect ratio.
   * @example const people = await detector.detect({ data, width: 1920, height: 1080, format: 'rgb24' });
   */
  async detect(frame: Frame): Promise<Detections> {
    const shape = this.shapeFor(frame);
    const input = this.bufferFor(shape);
    const map = this.prepareSync(frame, shape, input);
    return this.decode(await this.runNetwork(input, shape), frame, map);
  }

  /** Frees the network's sessions (every filter view of it included). */
  async release(): Promise<void> {
    await this.sessions.release();
  }
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}
