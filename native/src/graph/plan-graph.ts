// ONNX model -> flat execution plan: decode, infer shapes and fold constants, drop layout
// transposes, fuse conv + bias + activation, lower every op to kernel parameters and place
// every activation in one arena.
import { buildIr, removeDeadNodes, shapeOf, type IrGraph } from './graph-ir.ts';
import type { ModelGraph } from './graph-types.ts';
import { inferAndFold } from './const-fold.ts';
import { fuseConvolutions } from './fuse-pass.ts';
import { eliminateTransposes } from './layout-pass.ts';
import { lowerNode } from './lower-ops.ts';
import { planMemory, type Lifetime } from './memory-plan.ts';
import { decodeOnnx } from './onnx-decode.ts';
import { KIND, OP, type ExecutionPlan, type PlanConst, type PlanOp, type PlanTensor, type Precision } from './plan-types.ts';

export interface PlanOptions {
  precision?: Precision;
  /** Batch size: replaces the first dimension of the graph inputs (default: the model's, or 1). */
  batch?: number;
  /** Plan only what these values need (a sub-graph); default: the model's outputs. */
  outputs?: readonly string[];
}

const ALIAS_OPS = new Set(['Reshape', 'Unsqueeze', 'Squeeze', 'Flatten', 'Identity']);

/** Runs the planner passes on an IR graph (exported for tests on hand-built graphs). */
export function optimiseIr(g: IrGraph, batch: number | undefined) {
  const fold = inferAndFold(g);
  if (batch !== undefined && batch > 1) {
    for (const n of g.nodes) {
      if (!ALIAS_OPS.has(n.op) || n.op === 'Identity') continue;
      const inDims = shapeOf(g, n.inputs[0]!);
      const outDims = shapeOf(g, n.outputs[0]!);
      if (inDims[0] === batch && outDims[0] !== batch) {
        throw new Error(`${n.op} ${n.name} mixes the batch dimension ([${inDims.join(',')}] -> [${outDims.join(',')}]), so the graph cannot run with batch ${batch}; plan the outputs before it (options.outputs) and decode per frame`);
      }
    }
  }
  const layout = eliminateTransposes(g);
  const fuse = fuseConvolutions(g);
  return { fold, layout, fuse };
}

/**
 * Plans a model for the native executor.
 * @example const plan = planGraph(readFileSync(onnxPath), { precision: 'fp16', batch: 8 });
 */
export function planGraph(model: Uint8Array | ModelGraph, options: PlanOptions = {}): ExecutionPlan {
  const graph = model instanceof Uint8Array ? decodeOnnx(model) : model;
  const g = buildIr(graph, options.batch);
  if (options.outputs) {
    g.outputs = [...options.outputs];
    removeDeadNodes(g);
  }
  const sourceNodes = g.nodes.length;
  const { fold, layout, fuse } = optimiseIr(g, options.batch);
  return lowerIr(g, options.precision ?? 'fp32', options.batch ?? shapeOf(g, g.inputs[0]!)[0] ?? 1, {
    sourceNodes,
    folded: fold.folded,
    identitiesRemoved: fold.removedIdentities,
    transposesBefore: layout.transposesBefore,
    transposesAfter: layout.transposesAfter,
    fusedBiasOrScale: fuse.biasOrScale,
    fusedActivations: fuse.activation,
    fusedHardSwish: fuse.hardSwish,
  });
}

type PassStats = Pick<ExecutionPlan['stats'], 'sourceNodes' | 'folded' | 'identitiesRemoved' | 'transposesBefore' | 'transposesAfter' | 'fusedBiasOrScale' | 'fusedActivations' | 'fusedHardSwish'>;

function lowerIr(g: IrGraph, precision: Precision, batch: number, passStats: PassStats): ExecutionPlan {
  const floatBytes = precision === 'fp16' ? 2 : 4;
  const tensors: PlanTensor[] = [];
  const byName = new Map<string, number>();
  const consts: PlanConst[] = [];
  const root = new Map<number, number>();
  const tensorOf = (name: string): number => {
    const known = byName.get(name);
    if (known !== undefined) return known;
    const dims = shapeOf(g, name);
    const kind = g.kinds.get(name) === 'float' ? KIND.float : KIND.int;
    const count = dims.reduce((a, b) => a * b, 1);
    const c = g.consts.get(name);
    const t: PlanTensor = { id: tensors.length, name, kind, dims, region: c ? 1 : 0, offset: 0, bytes: count * (kind === KIND.float ? floatBytes : 4) };
    tensors.push(t);
    byName.set(name, t.id);
    if (c) {
      t.offset = consts.length;
      consts.push({ tensor: t.id, data: kind === KIND.float ? Float32Array.from(c.data, Number) : Int32Array.from(c.data, Number) });
    }
    return t.id;
  };
  const rootOf = (id: number): number => root.get(id) ?? id;

  for (const name of g.inputs) tensorOf(name);
  const ops: PlanOp[] = [];
  const opCounts: Record<string, number> = {};
  let aliases = 0;
  for (const n of g.nodes) {
    if (ALIAS_OPS.has(n.op) && !g.consts.has(n.inputs[0]!)) {
      const src = tensorOf(n.inputs[0]!);
      const dst = tensorOf(n.outputs[0]!);
      root.set(dst, rootOf(src));
      aliases++;
      continue;
    }
    const lowered = lowerNode(g, n);
    // Clip bounds and Resize/Slice/TopK shape inputs are baked into the parameters.
    const names = n.op === 'Clip' || n.op === 'Resize' || n.op === 'Slice' || n.op === 'TopK' ? n.inputs.slice(0, 1) : n.inputs.filter((i) => i !== '');
    const dataInputs = names.map(tensorOf);
    const label = n.op === 'Conv' ? (n.attrs.group !== undefined && n.attrs.group === shapeOf(g, n.inputs[0]!)[1] && Number(n.attrs.group) > 1 ? 'DepthwiseConv' : 'Conv') : n.op;
    opCounts[label] = (opCounts[label] ?? 0) + 1;
    ops.push({ op: lowered.op, code: OP[lowered.op], name: n.name, inputs: dataInputs, outputs: n.outputs.filter((o) => o !== '').map(tensorOf), ints: lowered.ints, floats: lowered.floats });
  }

  // Lifetimes of root buffers: written by the first op producing any alias, read until the last use.
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (id: number, at: number): void => {
    const r = rootOf(id);
    if (tensors[r]!.region !== 0) return;
    if (!first.has(r) || at < first.get(r)!) first.set(r, at);
    if (!last.has(r) || at > last.get(r)!) last.set(r, at);
  };
  for (const name of g.inputs) touch(byName.get(name)!, -1);
  ops.forEach((op, i) => {
    for (const t of op.outputs) touch(t, i);
    for (const t of op.inputs) touch(t, i);
  });
  const outputs = g.outputs.map((name) => {
    const id = byName.get(name);
    if (id === undefined) throw new Error(`graph output ${name} is not computed by the plan (constant or missing)`);
    touch(id, ops.length);
    const t = tensors[id]!;
    return { name, tensor: id, dims: t.dims, kind: t.kind };
  });
  const lifetimes: Lifetime[] = [...first.keys()].map((id) => ({ id, bytes: tensors[id]!.bytes, first: first.get(id)!, last: last.get(id)! }));
  const memory = planMemory(lifetimes);
  for (const t of tensors) {
    if (t.region !== 0) continue;
    const r = rootOf(t.id);
    t.offset = memory.offsets.get(r) ?? 0;
  }
  return {
    precision,
    batch,
    tensors,
    ops,
    consts,
    inputs: g.inputs.map((name) => ({ name, tensor: byName.get(name)!, dims: shapeOf(g, name) })),
    outputs,
    arenaBytes: memory.arenaBytes,
    stats: {
      ...passStats,
      ops: ops.length,
      opCounts,
      arenaBytes: memory.arenaBytes,
      sumTensorBytes: memory.sumBytes,
      constBytes: consts.reduce((a, c) => a + c.data.byteLength, 0),
      aliases,
    },
  };
}
