// ONNX graph values and their encoding as a ModelProto (onnx.proto3 field numbers), written with
// the project's one ONNX protobuf codec, which lives in @sightline/native beside the decoder
// that reads these files back for the graph planner.
import { ONNX_TYPE_CODE, ProtoWriter, type OnnxDataType } from '@sightline/native';

export { ONNX_TYPE_CODE, type OnnxDataType };

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** A constant tensor (an initializer or a Constant attribute). */
export interface OnnxTensor {
  name: string;
  dataType: OnnxDataType;
  dims: readonly number[];
  data: TensorData;
}

export type OnnxAttribute =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: OnnxTensor };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A graph input or output: element type and shape (a string names a free dimension; no shape: unknown rank). */
export interface OnnxValueInfo {
  name: string;
  dataType: OnnxDataType;
  shape?: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export interface EncodeOptions {
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

/** Attribute constructors, so call sites read `attr.ints([1, 1])`. */
export const attr = {
  int: (value: number): OnnxAttribute => ({ kind: 'int', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value }),
  float: (value: number): OnnxAttribute => ({ kind: 'float', value }),
  floats: (value: readonly number[]): OnnxAttribute => ({ kind: 'floats', value }),
  string: (value: string): OnnxAttribute => ({ kind: 'string', value }),
  tensor: (value: OnnxTensor): OnnxAttribute => ({ kind: 'tensor', value }),
};

function bytesOf(data: TensorData): Uint8Array {
  // raw_data is little-endian, which is what typed arrays hold on every platform Node runs on.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function encodeTensor(t: OnnxTensor): ProtoWriter {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw new Error(`ONNX tensor ${t.name}: dims [${t.dims.join(', ')}] hold ${count} values but ${t.data.length} were given`);
  return new ProtoWriter()
    .packedInts(1, t.dims)
    .int(2, ONNX_TYPE_CODE[t.dataType])
    .string(8, t.name)
    .bytes(9, bytesOf(t.data));
}

function encodeAttribute(name: string, a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  // AttributeProto.type: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7.
  switch (a.kind) {
    case 'float': return w.float(2, a.value).int(20, 1);
    case 'int': return w.int(3, a.value).int(20, 2);
    case 'string': return w.string(4, a.value).int(20, 3);
    case 'tensor': return w.message(5, encodeTensor(a.value)).int(20, 4);
    case 'floats': return w.packedFloats(7, a.value).int(20, 6);
    case 'ints': return w.packedInts(8, a.value).int(20, 7);
  }
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const tensorType = new ProtoWriter().int(1, ONNX_TYPE_CODE[v.dataType]);
  if (v.shape) {
    const shape = new ProtoWriter();
    for (const d of v.shape) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
    tensorType.message(2, shape);
  }
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function encodeNode(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [key, value] of Object.entries(n.attributes ?? {})) w.message(5, encodeAttribute(key, value));
  return w;
}

/**
 * Serialises a graph into ONNX ModelProto bytes (IR version 8).
 * @example writeFileSync('m.onnx', encodeModel(graph, { opsetVersion: 13, producerName: 'x', producerVersion: '1' }));
 */
export function encodeModel(graph: OnnxGraph, options: EncodeOptions): Uint8Array {
  const g = new ProtoWriter();
  for (const n of graph.nodes) g.message(1, encodeNode(n));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, encodeTensor(t));
  for (const i of graph.inputs) g.message(11, encodeValueInfo(i));
  for (const o of graph.outputs) g.message(12, encodeValueInfo(o));

  const m = new ProtoWriter()
    .int(1, 8)
    .string(2, options.producerName)
    .string(3, options.producerVersion);
  if (options.docString) m.string(6, options.docString);
  m.message(7, g);
  m.message(8, new ProtoWriter().string(1, '').int(2, options.opsetVersion));
  for (const [key, value] of Object.entries(options.metadata ?? {})) m.message(14, new ProtoWriter().string(1, key).string(2, value));
  return m.finish();
}
