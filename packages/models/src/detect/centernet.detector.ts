// CenterNet (COCO) person/vehicle detector: letterboxed frame -> network -> boxes in frame
// pixels -> score and class filter -> class-aware NMS. Pre-processing and NMS run on the native
// kernels (C++/CUDA when built, else their TypeScript reference).
import { readFile } from 'node:fs/promises';
import { addGraphOutput, getEngine, type FeatureMap, type Frame, type NativeEngine } from '@sightline/native';
import { Detections } from '@sightline/vision';
import type { Backend } from '../backend/backend.ts';
import { onnxRuntimeCpu } from '../backend/onnxruntime-cpu.backend.ts';
import { createModelSession, type BackendChoice, type ModelBackend } from '../backend/select-backend.ts';
import { centernetInputFor } from '../convert/centernet-input.ts';
import { ensureOnnxModel } from '../registry/model-cache.ts';
import { COCO_LABELS } from '../registry/coco-labels.ts';
import { modelCard } from '../registry/model-cards.ts';
import { runBatchedPass, type BatchInput, type BatchOutput, type BatchSessions } from './centernet-batch.ts';
import { ShapeSessions, type Shape } from './centernet-sessions.ts';
import { pipelined, type DetectStreamOptions, type FeaturePass, type FrameFeatures, type InputMapping, type ObjectDetector } from './object-detector.ts';

export interface CenterNetOptions {
  /** Keep boxes scoring at least this (default 0.3). */
  scoreThreshold?: number;
  /** NMS: a box is dropped when it overlaps a better box of its class by more than this IoU (default 0.5). */
  iouThreshold?: number;
  /** COCO class indices to keep (0 = person); default all. */
  classIds?: readonly number[];
  /** Raw 0..255 value of the letterbox padding (default 0). */
  padValue?: number;
  /**
   * The network: 'centernet', loaded with its shared feature map as an extra output of the same
   * graph (see detectWithFeatures), at every input shape. 'centernet-multitask', the former name of
   * that graph, loads the same.
   */
  model?: 'centernet' | 'centernet-multitask';
  /**
   * Network input [height, width] (multiples of 32), or 'source': shaped to each frame's aspect
   * (see centernetInputFor: 512x384 for 4:3, 640x384 for 16:9, 512x512 when square, a source that fits inside those at its own size: 480x352 for 480x360), one session
   * per shape met (default; bench/input-size.bench.ts). Passes that fetch the feature map run at
   * `featureShape` (a fixed `inputSize`, else the card's 512x512); the map follows that shape
   * (stride 4) and attribute heads pool boxes through the frame's mapping, so they read any shape.
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
// The shared feature map: the input of CenterNet's detection heads, NHWC at stride 4.
const FEATURES = 'tower_0/CenternetHead/mul';
const FEATURE_STRIDE = 4;
const FEATURE_CHANNELS = 128;

export type { BatchInput, BatchOutput, FrameFeatures, InputMapping };

export class CenterNetDetector implements ObjectDetector {
  readonly name = 'centernet';
  readonly classes = COCO_LABELS;
  readonly trackerScores = modelCard('centernet').trackerScores;
  readonly hasFeatures = true;
  readonly hasAppearanceMap = true;
  /** Input pixels per cell of the shared map. */
  readonly featureStride = FEATURE_STRIDE;
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

  /**
   * The input shape of a pass that fetches the feature map: `inputSize`, so under 'source' the
   * card's 512x512 letterbox. Trained heads learn and run on that map: with maps of the source
   * shape (640x384 for 1080p) test/training-cli.test.ts's heads scored lower on mot17-mini (MLP
   * 0.755 vs 0.816 validation accuracy, linear no better than the majority class). A detector made
   * with a fixed `inputSize` fetches its map at that shape ([1, h/4, w/4, 128]).
   */
  get featureShape(): Shape {
    return this.inputSize;
  }

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
    // One graph serves detection and attribute heads: the converted detector (at each input shape
    // met) with its feature map added as a graph output. A pass that does not fetch it costs what
    // the detector alone costs (measured in bench/heads.bench.ts).
    const model = 'centernet';
    const cardSize = modelCard(model).input.size;
    const inputSize = options.inputSize ?? 'source';
    const base: Shape = inputSize === 'source' ? cardSize : inputSize;
    const open = async ([h, w]: Shape) => {
      const onnx = await readFile(await ensureOnnxModel(model, { inputSize: [h, w] }));
      // The map is at stride 4 of the input, so its size follows the input shape.
      const graph = addGraphOutput(onnx, { name: FEATURES, type: 'float32', dims: [1, h / FEATURE_STRIDE, w / FEATURE_STRIDE, FEATURE_CHANNELS] });
      return createModelSession(model, graph, {
        ...(options.threads ? { threads: options.threads } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
        ...(options.backendChoice ? { choice: options.backendChoice } : {}),
      });
    };
    // Batched passes (centernet-batch.ts): the network up to the batch cut with a free batch
    // dimension, on the engine the setting picks, and the decode tail per frame on onnxruntime.
    const openBatch = async ([h, w]: Shape): Promise<BatchSessions> => {
      const body = await readFile(await ensureOnnxModel(model, { inputSize: [h, w], part: 'batch-body' }));
      const decode = await readFile(await ensureOnnxModel(model, { inputSize: [h, w], part: 'batch-decode' }));
      const { session } = await createModelSession(model, body, {
        ...(options.threads ? { threads: options.threads } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
        ...(options.backendChoice ? { choice: options.backendChoice } : {}),
      });
      return { body: session, decode: await onnxRuntimeCpu.createSession(decode, { threads: 1 }) };
    };
    const { session, backend } = await open(base);
    const sessions = new ShapeSessions({ shape: base, session }, async (shape) => (await open(shape)).session, openBatch);
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
   * runs on the current one (two input buffers), so pre-processing hides behind inference. A frame
   * for which `withFeatures(frame)` is true also brings the shared feature map of the same pass
   * (for attribute heads), so heads never cost a second pass.
   * @example for await (const { frame, detections } of detector.detectStream(decodeVideoFrames(path))) write(frame, detections);
   */
  async *detectStream<F extends Frame>(
    frames: AsyncIterable<F>,
    options: DetectStreamOptions<F> = {},
  ): AsyncGenerator<{ frame: F; detections: Detections; features?: FrameFeatures; networkMs: number }> {
    // Each frame's shape and whether its pass fetches the feature map, decided once per frame.
    const plans = new WeakMap<F, { shape: Shape; features: boolean }>();
    const planOf = (f: F): { shape: Shape; features: boolean } => {
      let plan = plans.get(f);
      if (!plan) {
        const wanted = options.withFeatures?.(f) ?? false;
        plans.set(f, (plan = { shape: this.passShape(f, wanted), features: wanted !== false }));
      }
      return plan;
    };
    // Two input buffers per shape met (cameras of one stream may differ in aspect).
    const pairs = new Map<Shape, readonly [Float32Array, Float32Array]>();
    const buffersFor = (shape: Shape) => {
      let pair = pairs.get(shape);
      if (!pair) pairs.set(shape, (pair = [new Float32Array(shape[0] * shape[1] * 3), new Float32Array(shape[0] * shape[1] * 3)]));
      return pair;
    };
    yield* pipelined(
      frames,
      (f, slot) => buffersFor(planOf(f).shape)[slot],
      (f, out) => this.prepareInto(f, planOf(f).shape, out),
      async (input, f): Promise<{ raw: RawDetections; features?: FeatureMap }> => {
        const { shape, features } = planOf(f);
        return features ? this.runNetworkWithFeatures(input, shape) : { raw: await this.runNetwork(input, shape) };
      },
      ({ raw, features }, f, mapping) => ({ detections: this.decode(raw, f, mapping), ...(features ? { features: { features, mapping, featureStride: FEATURE_STRIDE } } : {}) }),
    );
  }

  /** The network alone on the prepared input of `shape` ([height, width]; default the detector's input size); the feature map is computed on the way but not fetched. */
  async runNetwork(input: Float32Array = this.input, shape: Shape = this.inputSize): Promise<RawDetections> {
    const session = await this.sessions.get(shape);
    const out = await session.run({ [session.inputNames[0]!]: { type: 'float32', dims: [1, shape[0], shape[1], 3], data: input } }, [DETECTIONS]);
    return out[DETECTIONS]!.data as Float32Array;
  }

  /**
   * The same pass fetching the shared NHWC feature map (stride 4: [1, h/4, w/4, 128] for an input of
   * `shape`) too; each call gets a map of its own.
   */
  async runNetworkWithFeatures(input: Float32Array = this.input, shape: Shape = this.inputSize): Promise<{ raw: RawDetections; features: FeatureMap }> {
    const session = await this.sessions.get(shape);
    if (!session.outputNames.includes(FEATURES)) throw new Error(`this CenterNet graph has no ${FEATURES} output (outputs: ${session.outputNames.join(', ')})`);
    const out = await session.run({ [session.inputNames[0]!]: { type: 'float32', dims: [1, shape[0], shape[1], 3], data: input } }, [DETECTIONS, FEATURES]);
    const f = out[FEATURES]!;
    return { raw: out[DETECTIONS]!.data as Float32Array, features: { data: f.data as Float32Array, shape: f.dims as [number, number, number, number], layout: 'nhwc' } };
  }

  /**
   * One network pass giving the detections and the shared NHWC feature map (stride 4) that
   * attribute heads pool from, at `featureShape`; with `at: 'source'` at the shape `detect(frame)`
   * runs at, so the detections are those of a plain pass (the appearance cue's map).
   * @example const { detections, features, mapping } = await detector.detectWithFeatures(frame);
   */
  async detectWithFeatures(frame: Frame, options: { at?: 'features' | 'source' } = {}): Promise<{ detections: Detections; features: FeatureMap; mapping: InputMapping }> {
    const shape = this.passShape(frame, options.at === 'source' ? 'source' : true);
    const input = this.bufferFor(shape);
    const mapping = this.prepareSync(frame, shape, input);
    const { raw, features } = await this.runNetworkWithFeatures(input, shape);
    return { detections: this.decode(raw, frame, mapping), features, mapping };
  }

  /**
   * The network input [height, width] of a frame's pass (the feature-map shape when its map is
   * kept for trained heads; a map kept at 'source' follows the frame): frames of one shape may
   * share a batched pass (runBatch), frames of two never do.
   */
  passShape(frame: { width: number; height: number }, withFeatures: FeaturePass = false): Shape {
    return withFeatures === true ? this.featureShape : this.shapeFor(frame);
  }

  /** Letterboxes a frame into a buffer of its own, on the native engine's threads, for runBatch. */
  async prepareForBatch(frame: Frame, withFeatures: FeaturePass = false): Promise<BatchInput> {
    const shape = this.passShape(frame, withFeatures);
    const input = new Float32Array(shape[0] * shape[1] * 3);
    return { input, shape, mapping: await this.prepareInto(frame, shape, input), withFeatures: withFeatures !== false };
  }

  /**
   * Frames of one input shape through one network pass (centernet-batch.ts), each frame's raw rows
   * and, when it asked, its own feature map: the same as one pass per frame within float
   * tolerance. A lone frame takes the single-frame graph. Decode each with `decode`.
   * @example const [a, b] = await detector.runBatch([await detector.prepareForBatch(f1), await detector.prepareForBatch(f2)]);
   */
  async runBatch(inputs: readonly BatchInput[]): Promise<BatchOutput[]> {
    const only = inputs.length === 1 ? inputs[0]! : undefined;
    if (only) return [only.withFeatures ? await this.runNetworkWithFeatures(only.input, only.shape) : { raw: await this.runNetwork(only.input, only.shape) }];
    if (inputs.length === 0) return [];
    return runBatchedPass(await this.sessions.getBatch(inputs[0]!.shape), inputs);
  }

  /**
   * Detections of several frames of one input shape (see passShape) from one network pass.
   * @example const [a, b, c] = await detector.detectBatch([frameA, frameB, frameC]);
   */
  async detectBatch(frames: readonly Frame[], options: { withFeatures?: (frame: Frame) => FeaturePass } = {}): Promise<{ detections: Detections; features?: FrameFeatures }[]> {
    const inputs = await Promise.all(frames.map((f) => this.prepareForBatch(f, options.withFeatures?.(f) ?? false)));
    const outs = await this.runBatch(inputs);
    return outs.map(({ raw, features }, i) => {
      const { mapping } = inputs[i]!;
      return { detections: this.decode(raw, frames[i]!, mapping), ...(features ? { features: { features, mapping, featureStride: FEATURE_STRIDE } } : {}) };
    });
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
