// CenterNet (COCO) person/vehicle detector: letterboxed frame -> network -> boxes in frame
// pixels -> score and class filter -> class-aware NMS. Pre-processing and NMS run on the native
// kernels (C++/CUDA when built, else their TypeScript reference).
import { readFile } from 'node:fs/promises';
import { addGraphOutput, getEngine, type FeatureMap, type Frame, type NativeEngine } from '@sightline/native';
import { Detections } from '@sightline/vision';
import type { Backend, InferenceSession } from '../backend/backend.ts';
import { createModelSession, type BackendChoice, type ModelBackend } from '../backend/select-backend.ts';
import { ensureOnnxModel } from '../registry/model-cache.ts';
import { COCO_LABELS } from '../registry/coco-labels.ts';
import { modelCard } from '../registry/model-cards.ts';
import { pipelined, type DetectStreamOptions, type FrameFeatures, type InputMapping, type ObjectDetector } from './object-detector.ts';

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
   * graph (see detectWithFeatures). 'centernet-multitask', the former name of that graph, loads the same.
   */
  model?: 'centernet' | 'centernet-multitask';
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
const FEATURE_DIMS = [1, 128, 128, 128] as const;

export type { FrameFeatures, InputMapping };

export class CenterNetDetector implements ObjectDetector {
  readonly name = 'centernet';
  readonly classes = COCO_LABELS;
  readonly trackerScores = modelCard('centernet').trackerScores;
  readonly hasFeatures = true;
  readonly inputSize: readonly [number, number];
  private readonly input: Float32Array;

  private constructor(
    private readonly session: InferenceSession,
    /** The engine that runs the network, and why it was picked. */
    readonly backend: ModelBackend,
    private readonly engine: NativeEngine,
    private readonly options: Required<Pick<CenterNetOptions, 'scoreThreshold' | 'iouThreshold' | 'padValue'>> & { classIds?: Set<number> },
  ) {
    this.inputSize = modelCard('centernet').input.size;
    this.input = new Float32Array(this.inputSize[0] * this.inputSize[1] * 3);
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
    // One graph serves detection and attribute heads: the converted detector with its feature map
    // added as a graph output. A pass that does not fetch it costs what the detector alone costs
    // (measured in bench/heads.bench.ts).
    const model = 'centernet';
    const graph = addGraphOutput(await readFile(await ensureOnnxModel(model)), { name: FEATURES, type: 'float32', dims: FEATURE_DIMS });
    const { session, backend } = await createModelSession(model, graph, {
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.backendChoice ? { choice: options.backendChoice } : {}),
    });
    return new CenterNetDetector(session, backend, options.engine ?? getEngine(), {
      scoreThreshold,
      iouThreshold,
      padValue: options.padValue ?? 0,
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
    return new CenterNetDetector(this.session, this.backend, this.engine, {
      scoreThreshold,
      iouThreshold: this.options.iouThreshold,
      padValue: this.options.padValue,
      ...(filters.classIds ? { classIds: new Set(filters.classIds) } : {}),
    });
  }

  /** Letterboxes a frame into the network input (NHWC, 0..255 floats) and says how to map back. */
  prepare(frame: Frame): InputMapping {
    const [h, w] = this.inputSize;
    const t = this.engine.frameToTensorSync(frame, { width: w, height: h, letterbox: true, padValue: this.options.padValue, scale: 1, layout: 'nhwc', out: this.input });
    return { scaleX: t.scaleX, scaleY: t.scaleY, offsetX: t.offsetX, offsetY: t.offsetY };
  }

  /** Letterboxes into a given buffer on the native engine's worker threads (see detectStream). */
  private async prepareInto(frame: Frame, out: Float32Array): Promise<InputMapping> {
    const [h, w] = this.inputSize;
    const t = await this.engine.frameToTensor(frame, { width: w, height: h, letterbox: true, padValue: this.options.padValue, scale: 1, layout: 'nhwc', out });
    return { scaleX: t.scaleX, scaleY: t.scaleY, offsetX: t.offsetX, offsetY: t.offsetY };
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
  ): AsyncGenerator<{ frame: F; detections: Detections; features?: FrameFeatures }> {
    yield* pipelined(
      frames,
      [this.input, new Float32Array(this.input.length)],
      (f, out) => this.prepareInto(f, out),
      async (input, f): Promise<{ raw: RawDetections; features?: FeatureMap }> => (options.withFeatures?.(f) ? this.runNetworkWithFeatures(input) : { raw: await this.runNetwork(input) }),
      ({ raw, features }, f, mapping) => ({ detections: this.decode(raw, f, mapping), ...(features ? { features: { features, mapping } } : {}) }),
    );
  }

  /** The network alone on the prepared input (the feature map is computed on the way but not fetched). */
  async runNetwork(input: Float32Array = this.input): Promise<RawDetections> {
    const [h, w] = this.inputSize;
    const out = await this.session.run({ [this.session.inputNames[0]!]: { type: 'float32', dims: [1, h, w, 3], data: input } }, [DETECTIONS]);
    return out[DETECTIONS]!.data as Float32Array;
  }

  /** The same pass fetching the shared NHWC feature map (stride 4) too; each call gets a map of its own. */
  async runNetworkWithFeatures(input: Float32Array = this.input): Promise<{ raw: RawDetections; features: FeatureMap }> {
    if (!this.session.outputNames.includes(FEATURES)) throw new Error(`this CenterNet graph has no ${FEATURES} output (outputs: ${this.session.outputNames.join(', ')})`);
    const [h, w] = this.inputSize;
    const out = await this.session.run({ [this.session.inputNames[0]!]: { type: 'float32', dims: [1, h, w, 3], data: input } }, [DETECTIONS, FEATURES]);
    const f = out[FEATURES]!;
    return { raw: out[DETECTIONS]!.data as Float32Array, features: { data: f.data as Float32Array, shape: f.dims as [number, number, number, number], layout: 'nhwc' } };
  }

  /**
   * One network pass giving the detections and the shared NHWC feature map (stride 4) that
   * attribute heads pool from.
   * @example const { detections, features, mapping } = await detector.detectWithFeatures(frame);
   */
  async detectWithFeatures(frame: Frame): Promise<{ detections: Detections; features: FeatureMap; mapping: InputMapping }> {
    const mapping = this.prepare(frame);
    const { raw, features } = await this.runNetworkWithFeatures(this.input);
    return { detections: this.decode(raw, frame, mapping), features, mapping };
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
    const map = this.prepare(frame);
    return this.decode(await this.runNetwork(), frame, map);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}
