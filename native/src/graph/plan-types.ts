// The flat execution plan handed to the C++/CUDA executor. Op codes and parameter orders
// must match cpp/graph_plan.h.

export type Precision = 'fp32' | 'fp16';

/** Run-time element kinds: floats (4 bytes, or 2 in FP16 storage) and 32-bit ints (bools too). */
export const KIND = { float: 0, int: 1 } as const;

export const OP = {
  conv: 1,
  binary: 2,
  unary: 3,
  where: 4,
  transpose: 5,
  concat: 6,
  slice: 7,
  gather: 8,
  reduceMean: 9,
  resize: 10,
  maxPool: 11,
  topK: 12,
  softmax: 13,
  matMul: 14,
  avgPool: 15,
} as const;
export type OpName = keyof typeof OP;

export const BINARY = { Add: 0, Sub: 1, Mul: 2, Div: 3, Mod: 4, FMod: 5, Equal: 6, Less: 7, Greater: 8, And: 9, Or: 10, Xor: 11, Min: 12, Max: 13 } as const;
export const UNARY = { Copy: 0, Relu: 1, Sigmoid: 2, Clip: 3, Not: 4, Neg: 5 } as const;
/** Maximum rank of broadcast, transpose and slice ops (shapes are left-padded with 1s). */
export const MAX_RANK = 6;

export interface PlanTensor {
  id: number;
  name: string;
  kind: 0 | 1;
  dims: number[];
  /** 0: arena (offset in bytes), 1: constant (index into consts). */
  region: 0 | 1;
  offset: number;
  bytes: number;
}

export interface PlanOp {
  op: OpName;
  code: number;
  name: string;
  inputs: number[];
  outputs: number[];
  ints: number[];
  floats: number[];
}

export interface PlanConst {
  tensor: number;
  data: Float32Array | Int32Array;
}

export interface PlanStats {
  sourceNodes: number;
  folded: number;
  identitiesRemoved: number;
  transposesBefore: number;
  transposesAfter: number;
  fusedBiasOrScale: number;
  fusedActivations: number;
  fusedHardSwish: number;
  ops: number;
  opCounts: Record<string, number>;
  /** Bytes of the shared arena versus every activation tensor given its own buffer. */
  arenaBytes: number;
  sumTensorBytes: number;
  constBytes: number;
  aliases: number;
}

export interface ExecutionPlan {
  precision: Precision;
  batch: number;
  tensors: PlanTensor[];
  ops: PlanOp[];
  consts: PlanConst[];
  inputs: { name: string; tensor: number; dims: number[] }[];
  outputs: { name: string; tensor: number; dims: number[]; kind: 0 | 1 }[];
  arenaBytes: number;
  stats: PlanStats;
}
