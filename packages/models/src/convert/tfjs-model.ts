// Reads a TensorFlow.js graph model (model.json + weight shards) into plain typed arrays,
// dequantising float16 / uint8 / uint16 weights to what the graph expects.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type TfDtype = 'float32' | 'int32' | 'bool';

/** One constant of the model, dequantised. */
export interface TfWeight {
  name: string;
  dtype: TfDtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

/** A node of the TF GraphDef as TFJS stores it (attr values keep TF's JSON encoding). */
export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttrValue>;
}

export interface TfAttrValue {
  i?: string;
  f?: number;
  b?: boolean;
  s?: string;
  type?: string;
  list?: { i?: string[]; s?: string[]; f?: number[] };
  shape?: { dim?: { size: string }[]; unknownRank?: boolean };
  tensor?: unknown;
}

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: ManifestWeight[];
}

export interface TfjsGraphModel {
  /** model.json path the model was read from. */
  path: string;
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
  inputs: string[];
  outputs: string[];
  /** Free-text provenance fields from model.json. */
  generatedBy?: string;
  convertedBy?: string;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

let halfTable: Float32Array | undefined;

/** Bytes one stored element takes: the quantised type's when quantised, else the dtype's. */
function storedBytes(w: ManifestWeight, dtype: TfDtype): number {
  const q = w.quantization?.dtype;
  if (q === 'float16' || q === 'uint16') return 2;
  if (q === 'uint8') return 1;
  if (q !== undefined) throw new Error(`weight ${w.name}: unsupported quantisation ${q}`);
  return dtype === 'bool' ? 1 : 4;
}

function decodeWeight(w: ManifestWeight, bytes: Uint8Array, offset: number): { weight: TfWeight; size: number } {
  if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`weight ${String(w.name)}: shape ${JSON.stringify(w.shape)} is not a list of sizes`);
  const count = w.shape.reduce((a, b) => a * b, 1);
  const dtype = (w.quantization?.original_dtype ?? w.dtype) as TfDtype;
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw new Error(`weight ${w.name}: unsupported dtype ${dtype}`);
  // Sized against the shards before anything is allocated: a manifest may claim any shape.
  const need = count * storedBytes(w, dtype);
  if (offset + need > bytes.length) throw new Error(`weights end at byte ${bytes.length}, but ${w.name} needs bytes up to ${offset + need}: the shards are truncated or do not match the manifest`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const q = w.quantization;
  let data: Float32Array | Int32Array | Uint8Array;
  let size: number;
  if (q) {
    const out = dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
    if (q.dtype === 'float16') {
      halfTable ??= Float32Array.from({ length: 65536 }, (_, i) => halfToFloat(i));
      for (let i = 0; i < count; i++) out[i] = halfTable[view.getUint16(i * 2, true)]!;
      size = count * 2;
    } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      const wide = q.dtype === 'uint16';
      for (let i = 0; i < count; i++) out[i] = (wide ? view.getUint16(i * 2, true) : view.getUint8(i)) * scale + min;
      size = count * (wide ? 2 : 1);
    } else {
      throw new Error(`weight ${w.name}: unsupported quantisation ${q.dtype}`);
    }
    data = out;
  } else if (dtype === 'float32') {
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
    size = count * 4;
  } else if (dtype === 'int32') {
    data = new Int32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getInt32(i * 4, true);
    size = count * 4;
  } else {
    data = new Uint8Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getUint8(i);
    size = count;
  }
  return { weight: { name: w.name, dtype, shape: [...w.shape], data }, size };
}

/**
 * Reads the weights a TFJS manifest describes, shards concatenated in order per group.
 * @example const weights = readWeights(manifest, dirname(modelJsonPath));
 */
export function readWeights(manifest: readonly WeightsManifestGroup[], folder: string | ((shard: string) => Uint8Array)): Map<string, TfWeight> {
  const readShard = typeof folder === 'string' ? (p: string) => readFileSync(join(folder, p)) : folder;
  const weights = new Map<string, TfWeight>();
  if (!Array.isArray(manifest)) throw new Error('weightsManifest is not a list of weight groups');
  for (const group of manifest) {
    if (!Array.isArray(group?.paths) || !group.paths.every((p: unknown) => typeof p === 'string') || !Array.isArray(group.weights)) {
      throw new Error('a weightsManifest group needs "paths" (shard file names) and "weights" (a list)');
    }
    const shards = group.paths.map((p: string) => {
      // Shards sit beside model.json: a name reaching elsewhere is not a shard of this model.
      if (p === '' || p.includes('..') || p.startsWith('/') || p.includes('\\') || p.includes('\0')) throw new Error(`weight shard "${p}" is not a file name beside model.json`);
      return readShard(p);
    });
    const bytes = new Uint8Array(Buffer.concat(shards));
    let offset = 0;
    for (const w of group.weights) {
      if (typeof w !== 'object' || w === null || typeof w.name !== 'string') throw new Error('a weightsManifest weight needs a "name", "shape" and "dtype"');
      const { weight, size } = decodeWeight(w, bytes, offset);
      if (offset + size > bytes.length) throw new Error(`weights of ${group.paths.join('+')} end at byte ${bytes.length}, but ${w.name} needs bytes up to ${offset + size}: the shards are truncated or do not match the manifest`);
      weights.set(w.name, weight);
      offset += size;
    }
  }
  return weights;
}

/**
 * Loads a TFJS graph model (`format: graph-model`) from its model.json.
 * @example const model = readTfjsGraphModel('node_modules/@vladmandic/human/models/centernet.json');
 */
export function readTfjsGraphModel(modelJsonPath: string): TfjsGraphModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read TFJS model ${modelJsonPath}: ${(err as Error).message}`);
  }
  const folder = dirname(modelJsonPath);
  return parseTfjsGraphModel(json, modelJsonPath, (shard) => readFileSync(join(folder, shard)));
}

type ModelJson = { format?: string; modelTopology?: { node?: TfNode[]; library?: { function?: unknown[] } }; weightsManifest?: WeightsManifestGroup[]; signature?: { inputs?: Record<string, { name: string }>; outputs?: Record<string, { name: string }> }; generatedBy?: string; convertedBy?: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The shape checks model.json needs before its fields are trusted; a message naming the field, or undefined. */
function modelJsonProblem(json: unknown): string | undefined {
  if (!isRecord(json)) return 'model.json is not a JSON object';
  const topology = json.modelTopology;
  if (topology !== undefined && !isRecord(topology)) return '"modelTopology" is not an object';
  const nodes = isRecord(topology) ? topology.node : undefined;
  if (nodes !== undefined) {
    if (!Array.isArray(nodes)) return '"modelTopology.node" is not a list';
    for (const n of nodes) {
      if (!isRecord(n) || typeof n.name !== 'string' || typeof n.op !== 'string') return 'a node of "modelTopology.node" lacks a string "name" or "op"';
      if (n.input !== undefined && (!Array.isArray(n.input) || !n.input.every((i) => typeof i === 'string'))) return `node ${n.name}: "input" is not a list of names`;
      if (n.attr !== undefined && (!isRecord(n.attr) || !Object.values(n.attr).every(isRecord))) return `node ${n.name}: "attr" is not an object of attribute values`;
    }
  }
  for (const key of ['inputs', 'outputs'] as const) {
    const sig = isRecord(json.signature) ? json.signature[key] : undefined;
    if (sig !== undefined && (!isRecord(sig) || !Object.values(sig).every((s) => isRecord(s) && typeof s.name === 'string'))) return `"signature.${key}" entries need a string "name"`;
  }
  if (json.signature !== undefined && !isRecord(json.signature)) return '"signature" is not an object';
  return undefined;
}

/**
 * Reads a TFJS graph model from model.json's parsed content; `readShard` returns a weight shard's bytes
 * by its file name. Anything malformed is an Error naming the field.
 * @example parseTfjsGraphModel(JSON.parse(text), 'model.json', (shard) => readFileSync(shard))
 */
export function parseTfjsGraphModel(raw: unknown, modelJsonPath: string, readShard: (shard: string) => Uint8Array): TfjsGraphModel {
  const problem = modelJsonProblem(raw);
  if (problem) throw new Error(`${modelJsonPath}: ${problem}`);
  const json = raw as ModelJson;
  const nodes = json.modelTopology?.node;
  if (json.format !== 'graph-model' || !nodes) throw new Error(`${modelJsonPath} is not a TFJS graph model (format "${json.format ?? 'missing'}"); only graph models (tensorflowjs_converter --output_format tfjs_graph_model) can be converted`);
  if ((json.modelTopology?.library?.function?.length ?? 0) > 0) throw new Error(`${modelJsonPath} uses TF control-flow functions, which the converter does not support`);
  const weights = readWeights(json.weightsManifest ?? [], readShard);
  const sigInputs = Object.values(json.signature?.inputs ?? {}).map((s) => s.name.replace(/:0$/, ''));
  const sigOutputs = Object.values(json.signature?.outputs ?? {}).map((s) => s.name.replace(/:0$/, ''));
  const inputs = sigInputs.length > 0 ? sigInputs : nodes.filter((n) => n.op === 'Placeholder').map((n) => n.name);
  const consumed = new Set(nodes.flatMap((n) => (n.input ?? []).map((i) => i.replace(/^\^/, '').split(':')[0]!)));
  const outputs = sigOutputs.length > 0 ? sigOutputs : nodes.filter((n) => n.op !== 'Const' && !consumed.has(n.name)).map((n) => n.name);
  return {
    path: modelJsonPath,
    nodes,
    weights,
    inputs,
    outputs,
    ...(typeof json.generatedBy === 'string' ? { generatedBy: json.generatedBy } : {}),
    ...(typeof json.convertedBy === 'string' ? { convertedBy: json.convertedBy } : {}),
  };
}
