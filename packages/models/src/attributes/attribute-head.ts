// Attribute heads on the detector's shared feature map: each detected box is ROI-aligned on the
// map (native kernel) and a small ONNX network turns the pooled features into class
// probabilities. A head is two files: <name>.head.json (the spec below) and the ONNX model it
// names, with input [boxes, S, S, C] (NHWC pooled features) and output [boxes, labels].
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { getEngine, type FeatureMap, type NativeEngine } from '@sightline/native';
import type { Detections } from '@sightline/vision';
import type { Backend, InferenceSession } from '../backend/backend.ts';
import { createModelSession } from '../backend/select-backend.ts';
import type { InputMapping } from '../detect/centernet.detector.ts';

export interface AttributeHeadSpec {
  /** Attribute name, e.g. "upper_colour"; results go to `detections.data["attr:<name>"]`. */
  name: string;
  labels: string[];
  /** ONNX file, relative to the spec file. */
  model: string;
  /** ROI-align output side S. */
  outputSize: number;
  /** Feature-map channels C the head was trained on. */
  channels: number;
  /** Network-input pixels per feature-map pixel (4 for CenterNet's shared map). */
  featureStride: number;
  samplingRatio?: number;
}

/** One box's attribute: best label, its probability and all probabilities. */
export interface AttributeValue {
  label: string;
  score: number;
  probabilities: number[];
}

const KEYS = ['name', 'labels', 'model', 'outputSize', 'channels', 'featureStride', 'samplingRatio'];

function readSpec(path: string): AttributeHeadSpec {
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot read attribute head ${path}: ${(err as Error).message}`);
  }
  const unknown = Object.keys(spec).filter((k) => !KEYS.includes(k));
  if (unknown.length) throw new Error(`attribute head ${path}: unknown keys ${unknown.join(', ')} (allowed: ${KEYS.join(', ')})`);
  const problems: string[] = [];
  if (typeof spec.name !== 'string' || !spec.name) problems.push('name must be a non-empty string');
  if (!Array.isArray(spec.labels) || spec.labels.length < 2 || !spec.labels.every((l) => typeof l === 'string')) problems.push('labels must list at least two strings');
  if (typeof spec.model !== 'string') problems.push('model must name the ONNX file');
  for (const k of ['outputSize', 'channels', 'featureStride'] as const) if (!Number.isInteger(spec[k]) || (spec[k] as number) < 1) problems.push(`${k} must be a positive integer`);
  if (problems.length) throw new Error(`attribute head ${path}: ${problems.join('; ')}`);
  return spec as unknown as AttributeHeadSpec;
}

/**
 * ROI-aligned features ([k, S, S, C], NHWC) of frame-pixel boxes on the detector's shared map: the
 * one pooling path of live inference and of training (the feature cache), so a head sees the same
 * numbers in both.
 * @example const pooled = poolBoxFeatures(getEngine(), features, detections.xyxy, mapping, { name: 'x', outputSize: 4, channels: 128, featureStride: 4 });
 */
export function poolBoxFeatures(
  engine: NativeEngine,
  features: FeatureMap,
  boxesXyxy: Float32Array,
  mapping: InputMapping,
  spec: Pick<AttributeHeadSpec, 'name' | 'outputSize' | 'channels' | 'featureStride' | 'samplingRatio'>,
): Float32Array {
  const { outputSize, channels, featureStride, samplingRatio } = spec;
  if (features.layout !== 'nhwc' || features.shape[3] !== channels) throw new Error(`attribute head ${spec.name} expects an NHWC map with ${channels} channels, got ${features.layout} ${features.shape.join('x')}`);
  const k = boxesXyxy.length / 4;
  const boxes = new Float32Array(k * 4);
  for (let i = 0; i < k; i++) {
    const [x1, y1, x2, y2] = boxesXyxy.subarray(i * 4, i * 4 + 4) as unknown as [number, number, number, number];
    boxes.set([x1 * mapping.scaleX + mapping.offsetX, y1 * mapping.scaleY + mapping.offsetY, x2 * mapping.scaleX + mapping.offsetX, y2 * mapping.scaleY + mapping.offsetY], i * 4);
  }
  return engine.roiAlignSync(features, boxes, { outputSize, spatialScale: 1 / featureStride, samplingRatio: samplingRatio ?? -1 }).data;
}

export class AttributeHead {
  private constructor(
    readonly spec: AttributeHeadSpec,
    private readonly session: InferenceSession,
    private readonly engine: NativeEngine,
  ) {}

  /**
   * Loads a head from its spec file.
   * @example const head = await AttributeHead.load('heads/upper-colour.head.json');
   */
  static async load(specPath: string, options: { backend?: Backend; engine?: NativeEngine; threads?: number } = {}): Promise<AttributeHead> {
    const spec = readSpec(specPath);
    const modelPath = resolve(dirname(specPath), spec.model);
    if (!existsSync(modelPath)) throw new Error(`attribute head ${specPath}: model file ${modelPath} does not exist`);
    const { session } = await createModelSession(`head:${spec.name}`, modelPath, { ...(options.threads ? { threads: options.threads } : {}), ...(options.backend ? { backend: options.backend } : {}) });
    if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
      await session.release();
      throw new Error(`attribute head ${specPath}: the ONNX model must have one input (pooled features) and one output (probabilities), it has ${session.inputNames.length} and ${session.outputNames.length}`);
    }
    return new AttributeHead(spec, session, options.engine ?? getEngine());
  }

  /**
   * A head from its card and ONNX bytes (e.g. a trained version stored in PostgreSQL).
   * @example const head = await AttributeHead.fromModel(spec, onnxBytes);
   */
  static async fromModel(spec: AttributeHeadSpec, onnx: Uint8Array, options: { backend?: Backend; engine?: NativeEngine; threads?: number } = {}): Promise<AttributeHead> {
    const { session } = await createModelSession(`head:${spec.name}`, onnx, { ...(options.threads ? { threads: options.threads } : {}), ...(options.backend ? { backend: options.backend } : {}) });
    if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
      await session.release();
      throw new Error(`attribute head ${spec.name}: the ONNX model must have one input and one output`);
    }
    return new AttributeHead(spec, session, options.engine ?? getEngine());
  }

  /** ROI-aligned features of the boxes ([k, S, S, C], NHWC) from frame-pixel boxes. */
  pool(features: FeatureMap, detections: Detections, mapping: InputMapping): Float32Array {
    return poolBoxFeatures(this.engine, features, detections.xyxy, mapping, this.spec);
  }

  /**
   * The attribute of every detection, added as `data["attr:<name>"]`.
   * @example const withColour = await head.apply(features, detections, mapping);
   */
  async apply(features: FeatureMap, detections: Detections, mapping: InputMapping): Promise<Detections> {
    const key = `attr:${this.spec.name}`;
    if (detections.length === 0) return detections.withData(key, []);
    const { outputSize: s, channels: c, labels } = this.spec;
    const pooled = this.pool(features, detections, mapping);
    const out = await this.session.run({ [this.session.inputNames[0]!]: { type: 'float32', dims: [detections.length, s, s, c], data: pooled } });
    const probs = out[this.session.outputNames[0]!]!;
    if (probs.dims.length !== 2 || probs.dims[1] !== labels.length) throw new Error(`attribute head ${this.spec.name}: the model outputs shape [${probs.dims.join(', ')}] but the spec lists ${labels.length} labels`);
    const data = probs.data as Float32Array;
    const values: AttributeValue[] = [];
    for (let i = 0; i < detections.length; i++) {
      const p = Array.from(data.subarray(i * labels.length, (i + 1) * labels.length));
      const best = p.indexOf(Math.max(...p));
      values.push({ label: labels[best]!, score: p[best]!, probabilities: p });
    }
    return detections.withData(key, values);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
