// A detector described by a card (registry/detector-card.ts): the frame is resized (letterboxed or
// stretched) and normalised on the native kernels as the card says, the network runs on the engine
// the backend selection picks, its outputs are decoded by the card's head layout, boxes are mapped
// back to frame pixels and class-aware NMS keeps the best of each overlap.
import { existsSync } from 'node:fs';
import { getEngine, type FeatureMap, type Frame, type FrameToTensorOptions, type NativeEngine } from '@sightline/native';
import { Detections } from '@sightline/vision';
import type { Backend, InferenceSession } from '../backend/backend.ts';
import { createModelSession, type BackendChoice, type ModelBackend } from '../backend/select-backend.ts';
import { readDetectorCard, type DetectorCard } from '../registry/detector-card.ts';
import { decodeCandidates, type OutputTensor } from './detector-decode.ts';
import { pipelined, type DetectorFilters, type DetectStreamOptions, type FrameFeatures, type InputMapping, type ObjectDetector } from './object-detector.ts';

export interface OnnxDetectorOptions extends DetectorFilters {
  /** NMS IoU (default the card's, else 0.5). */
  iouThreshold?: number;
  /** A backend to use as is; else SIGHTLINE_BACKEND / SIGHTLINE_BACKEND_<NAME> or `backendChoice` decide. */
  backend?: Backend;
  backendChoice?: BackendChoice;
  threads?: number;
  engine?: NativeEngine;
  /** The ONNX model (path or bytes) instead of the card's `model` file (registry models converted into the cache). */
  model?: string | Uint8Array;
}

interface Filters {
  scoreThreshold: number;
  iouThreshold: number;
  classIds?: ReadonlySet<number>;
}

function checkFilters(card: DetectorCard, f: DetectorFilters & { iouThreshold?: number }): void {
  if (f.scoreThreshold !== undefined && !(f.scoreThreshold >= 0 && f.scoreThreshold <= 1)) throw new RangeError(`scoreThreshold must be within 0..1, got ${f.scoreThreshold}`);
  if (f.iouThreshold !== undefined && !(f.iouThreshold > 0 && f.iouThreshold <= 1)) throw new RangeError(`iouThreshold must be within (0, 1], got ${f.iouThreshold}`);
  const bad = f.classIds?.filter((c) => !(Number.isInteger(c) && c >= 0 && c < card.classes.length));
  if (bad?.length) throw new RangeError(`class ids ${bad.join(', ')} are not classes of ${card.name} (0..${card.classes.length - 1})`);
}

export class OnnxDetector implements ObjectDetector {
  readonly name: string;
  // Attribute heads are trained on CenterNet's shared map; a card's map serves the appearance cue only.
  readonly hasFeatures = false;
  readonly hasAppearanceMap: boolean;
  readonly classes: readonly string[];
  readonly trackerScores: DetectorCard['trackerScores'];
  private readonly input: Float32Array;
  private readonly inputName: string;
  private readonly outputNames: readonly string[];

  private constructor(
    readonly card: DetectorCard,
    private readonly session: InferenceSession,
    readonly backend: ModelBackend,
    private readonly engine: NativeEngine,
    private readonly filters: Filters,
  ) {
    this.name = card.name;
    this.classes = card.classes;
    this.trackerScores = card.trackerScores;
    const [h, w] = card.input.size;
    this.input = new Float32Array(3 * h * w);
    this.inputName = card.input.name ?? session.inputNames[0]!;
    this.outputNames = card.decode.outputs ?? session.outputNames.filter((o) => o !== card.appearance?.output);
    this.hasAppearanceMap = card.appearance !== undefined;
  }

  /**
   * Loads a card (a parsed card or the path of its JSON), opens its model on the selected backend and
   * checks with one pass on a blank input that the outputs have the layout the card names.
   * @example const detector = await OnnxDetector.create('models/yolox-s.card.json', { classIds: [0] });
   */
  static async create(cardOrPath: DetectorCard | string, options: OnnxDetectorOptions = {}): Promise<OnnxDetector> {
    const card = typeof cardOrPath === 'string' ? readDetectorCard(cardOrPath) : cardOrPath;
    checkFilters(card, options);
    const model = options.model ?? card.model;
    if (typeof model === 'string' && !existsSync(model)) throw new Error(`detector ${card.name}: model file ${model} not found (the card's "model" is relative to the card's folder)`);
    const { session, backend } = await createModelSession(card.name, model, {
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.backendChoice ? { choice: options.backendChoice } : {}),
    });
    const filters: Filters = {
      scoreThreshold: options.scoreThreshold ?? card.scoreThreshold,
      iouThreshold: options.iouThreshold ?? card.iouThreshold,
      ...(options.classIds ? { classIds: new Set(options.classIds) } : {}),
    };
    const detector = new OnnxDetector(card, session, backend, options.engine ?? getEngine(), filters);
    try {
      await detector.check();
    } catch (err) {
      await session.release();
      throw err;
    }
    return detector;
  }

  /** Names and one blank pass: a card that does not match the model fails here, not mid-stream. */
  private async check(): Promise<void> {
    const { card, session } = this;
    if (!session.inputNames.includes(this.inputName)) throw new Error(`detector ${card.name}: the model has no input "${this.inputName}" (its inputs: ${session.inputNames.join(', ')})`);
    const missing = this.outputNames.filter((o) => !session.outputNames.includes(o));
    if (missing.length) throw new Error(`detector ${card.name}: the model has no output ${missing.map((m) => `"${m}"`).join(', ')} (its outputs: ${session.outputNames.join(', ')})`);
    const map = card.appearance?.output;
    if (map !== undefined && !session.outputNames.includes(map)) throw new Error(`detector ${card.name}: appearance.output "${map}" is not an output of the model (its outputs: ${session.outputNames.join(', ')}); export the feature map as a graph output`);
    let outputs: OutputTensor[];
    try {
      outputs = await this.runNetwork(new Float32Array(this.input.length));
    } catch (err) {
      throw new Error(`detector ${card.name}: the model did not accept an input of ${this.inputDims().join('x')} (${card.input.layout}; check input.size and input.layout): ${(err as Error).message}`);
    }
    decodeCandidates(card, outputs, { scoreThreshold: 1.01 });
    if (card.appearance) await this.checkAppearanceMap(card.appearance);
  }

  /** The card's appearance map (an output of the model): 4-D, its cells `stride` input pixels apart. */
  private async checkAppearanceMap(appearance: NonNullable<DetectorCard['appearance']>): Promise<void> {
    const { card } = this;
    const map = (await this.runPass(new Float32Array(this.input.length), true)).map!;
    const [, h, w] = map.shape;
    const [inH, inW] = card.input.size;
    if (h !== Math.ceil(inH / appearance.stride) || w !== Math.ceil(inW / appearance.stride)) {
      throw new Error(`detector ${card.name}: appearance map ${appearance.output} is ${h}x${w} cells (read as ${appearance.layout}); an input of ${inH}x${inW} at stride ${appearance.stride} gives ${Math.ceil(inH / appearance.stride)}x${Math.ceil(inW / appearance.stride)}: check appearance.stride and appearance.layout`);
    }
  }

  private inputDims(): [number, number, number, number] {
    const [h, w] = this.card.input.size;
    return this.card.input.layout === 'nchw' ? [1, 3, h, w] : [1, h, w, 3];
  }

  /** The same network with other filters (score threshold, classes). */
  withFilters(filters: DetectorFilters): OnnxDetector {
    checkFilters(this.card, filters);
    return new OnnxDetector(this.card, this.session, this.backend, this.engine, {
      scoreThreshold: filters.scoreThreshold ?? this.filters.scoreThreshold,
      iouThreshold: this.filters.iouThreshold,
      ...(filters.classIds ? { classIds: new Set(filters.classIds) } : {}),
    });
  }

  private tensorOptions(out: Float32Array): FrameToTensorOptions {
    const { size, layout, colour, mean, std, letterbox, pad } = this.card.input;
    // The kernels normalise RGB channels; a BGR network gets its channels swapped afterwards, so
    // its mean and std (given in BGR order) are reversed here.
    const rgb = <T extends readonly [number, number, number]>(t: T): [number, number, number] => (colour === 'bgr' ? [t[2], t[1], t[0]] : [t[0], t[1], t[2]]);
    return { width: size[1], height: size[0], letterbox, padValue: pad, scale: 1, mean: rgb(mean), std: rgb(std), layout, out };
  }

  private swapToBgr(t: Float32Array): void {
    if (this.card.input.colour !== 'bgr') return;
    const [h, w] = this.card.input.size;
    const plane = h * w;
    if (this.card.input.layout === 'nchw') {
      const red = t.slice(0, plane);
      t.copyWithin(0, 2 * plane, 3 * plane);
      t.set(red, 2 * plane);
    } else {
      for (let i = 0; i < t.length; i += 3) {
        const r = t[i]!;
        t[i] = t[i + 2]!;
        t[i + 2] = r;
      }
    }
  }

  /** Resizes and normalises a frame into the network input; says how to map boxes back. */
  prepare(frame: Frame, out: Float32Array = this.input): InputMapping {
    const t = this.engine.frameToTensorSync(frame, this.tensorOptions(out));
    this.swapToBgr(out);
    return { scaleX: t.scaleX, scaleY: t.scaleY, offsetX: t.offsetX, offsetY: t.offsetY };
  }

  private async prepareInto(frame: Frame, out: Float32Array): Promise<InputMapping> {
    const t = await this.engine.frameToTensor(frame, this.tensorOptions(out));
    this.swapToBgr(out);
    return { scaleX: t.scaleX, scaleY: t.scaleY, offsetX: t.offsetX, offsetY: t.offsetY };
  }

  /** The network alone on a prepared input: the outputs the card's decode reads, in its order. */
  async runNetwork(input: Float32Array = this.input): Promise<OutputTensor[]> {
    return (await this.runPass(input, false)).outputs;
  }

  /** One pass: the decode's outputs and, when asked, the card's appearance map as NHWC. */
  private async runPass(input: Float32Array, withMap: boolean): Promise<{ outputs: OutputTensor[]; map?: FeatureMap }> {
    const mapName = withMap ? this.card.appearance?.output : undefined;
    const out = await this.session.run({ [this.inputName]: { type: 'float32', dims: this.inputDims(), data: input } }, mapName ? [...this.outputNames, mapName] : this.outputNames);
    const read = (name: string): Float32Array => {
      const t = out[name]!;
      if (t.type !== 'float32') throw new Error(`detector ${this.card.name}: output ${name} is ${t.type}; the decoders read float32 outputs`);
      return t.data as Float32Array;
    };
    const outputs = this.outputNames.map((name) => ({ name, dims: out[name]!.dims, data: read(name) }));
    if (!mapName) return { outputs };
    const dims = out[mapName]!.dims;
    if (dims.length !== 4 || dims[0] !== 1) throw new Error(`detector ${this.card.name}: appearance map ${mapName} has shape ${dims.join('x')}; expected [1, C, H, W] or [1, H, W, C]`);
    return { outputs, map: toNhwc(read(mapName), dims as [number, number, number, number], this.card.appearance!.layout) };
  }

  /** Outputs -> boxes in frame pixels above the score, of the kept classes, after NMS. */
  decode(outputs: readonly OutputTensor[], frame: { width: number; height: number }, map: InputMapping): Detections {
    const { scoreThreshold, iouThreshold, classIds } = this.filters;
    const c = decodeCandidates(this.card, outputs, { scoreThreshold, ...(classIds ? { classIds } : {}) });
    const xyxy: number[] = [];
    const scores: number[] = [];
    const classes: number[] = [];
    for (let i = 0; i < c.scores.length; i++) {
      const x1 = clamp((c.xyxy[4 * i]! - map.offsetX) / map.scaleX, frame.width);
      const y1 = clamp((c.xyxy[4 * i + 1]! - map.offsetY) / map.scaleY, frame.height);
      const x2 = clamp((c.xyxy[4 * i + 2]! - map.offsetX) / map.scaleX, frame.width);
      const y2 = clamp((c.xyxy[4 * i + 3]! - map.offsetY) / map.scaleY, frame.height);
      if (x2 - x1 < 1 || y2 - y1 < 1) continue;
      xyxy.push(x1, y1, x2, y2);
      scores.push(c.scores[i]!);
      classes.push(c.classIds[i]!);
    }
    const detections = new Detections({ xyxy: Float32Array.from(xyxy), confidence: Float32Array.from(scores), classId: Int32Array.from(classes) });
    const nms = this.card.decode.nms ?? this.card.decode.format !== 'rtdetr';
    const keep = nms
      ? this.engine.nmsSync(detections.xyxy, detections.confidence, { iouThreshold, classIds: detections.classId })
      : Int32Array.from(scores.map((_, i) => i)).sort((a, b) => scores[b]! - scores[a]! || a - b);
    return detections.select(Array.from(keep));
  }

  /**
   * Detects objects in one RGB frame of any size.
   * @example const people = await detector.detect({ data, width: 1920, height: 1080, format: 'rgb24' });
   */
  async detect(frame: Frame): Promise<Detections> {
    const map = this.prepare(frame);
    return this.decode(await this.runNetwork(), frame, map);
  }

  /**
   * Detections for a stream of frames, in order; the next frame is prepared while the network runs.
   * Frames `withFeatures` picks also get the card's appearance map of the same pass.
   */
  async *detectStream<F extends Frame>(frames: AsyncIterable<F>, options: DetectStreamOptions<F> = {}): AsyncGenerator<{ frame: F; detections: Detections; features?: FrameFeatures; networkMs: number }> {
    const stride = this.card.appearance?.stride;
    const wantsMap = (f: F): boolean => stride !== undefined && Boolean(options.withFeatures?.(f));
    yield* pipelined(
      frames,
      [this.input, new Float32Array(this.input.length)],
      (f, out) => this.prepareInto(f, out),
      (input, f) => this.runPass(input, wantsMap(f)),
      ({ outputs, map }, f, mapping) => ({ detections: this.decode(outputs, f, mapping), ...(map && stride ? { features: { features: map, mapping, featureStride: stride } } : {}) }),
    );
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** A [1, C, H, W] or [1, H, W, C] map as the NHWC map ROI-align reads. */
function toNhwc(data: Float32Array, dims: readonly [number, number, number, number], layout: 'nchw' | 'nhwc'): FeatureMap {
  if (layout === 'nhwc') return { data, shape: dims, layout: 'nhwc' };
  const [, c, h, w] = dims;
  const plane = h * w;
  const out = new Float32Array(data.length);
  for (let k = 0; k < c; k++) {
    const from = k * plane;
    for (let i = 0; i < plane; i++) out[i * c + k] = data[from + i]!;
  }
  return { data: out, shape: [1, h, w, c], layout: 'nhwc' };
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}
