// The decoded ONNX graph the planner starts from.
import type { OnnxDataType } from './onnx-protobuf.ts';

export type DType = OnnxDataType;
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array;

export interface GraphTensor {
  name: string;
  dtype: DType;
  dims: readonly number[];
  data: TensorData;
}

export type AttrValue = number | string | readonly number[] | GraphTensor;

export interface GraphNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs: Readonly<Record<string, AttrValue>>;
}

export interface GraphValueInfo {
  name: string;
  dtype: DType;
  /** A string names a free dimension (e.g. the batch). */
  shape?: readonly (number | string)[];
}

export interface ModelGraph {
  name: string;
  opset: number;
  nodes: readonly GraphNode[];
  initializers: readonly GraphTensor[];
  inputs: readonly GraphValueInfo[];
  outputs: readonly GraphValueInfo[];
}

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
