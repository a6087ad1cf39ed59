// Batched planning of graphs whose decode tail mixes the batch (CenterNet flattens the heatmap
// of the whole batch into one TopK): the part before the first batch-mixing node (backbone and
// heads) is planned with batch N, the rest (the decode tail) with batch 1 and run per frame on
// that frame's slice of the cut values.
import { buildIr, shapeOf, type IrGraph, type ValueKind } from './graph-ir.ts';
import type { DType, ModelGraph } from './graph-types.ts';
import { inferAndFold } from './const-fold.ts';
import { decodeOnnx } from './onnx-decode.ts';

/** An odd batch no layer width is likely to equal, so a leading dim equal to it is the batch. */
const PROBE_BATCH = 7;

function inferred(graph: ModelGraph, batch: number, tolerant = false): { g: IrGraph; unknown: Set<string> } {
  const g = buildIr(graph, batch);
  const { unknown } = inferAndFold(g, { tolerant });
  return { g, unknown };
}

/**
 * Values where the batch stops being the leading axis: the inputs of the first nodes that mix
 * frames (an input led by the batch, an output that is not) and of everything after them.
 * Empty when the whole graph keeps frames apart.
 */
export function findBatchCut(model: Uint8Array | ModelGraph): string[] {
  const graph = model instanceof Uint8Array ? decodeOnnx(model) : model;
  // Shapes written for batch 1 (a constant reshape target) fail at the probe batch: those
  // nodes mix frames too.
  const { g, unknown } = inferred(graph, PROBE_BATCH, true);
  const led = (v: string): boolean => !g.consts.has(v) && !unknown.has(v) && shapeOf(g, v)[0] === PROBE_BATCH;
  const tail = new Set<string>();
  const cut: string[] = [];
  for (const n of g.nodes) {
    const inputs = n.inputs.filter((i) => i !== '' && !g.consts.has(i));
    const outs = n.outputs.filter((o) => o !== '');
    const mixes = outs.some((o) => unknown.has(o)) || (inputs.some(led) && outs.some((o) => shapeOf(g, o)[0] !== PROBE_BATCH));
    if (!mixes && !inputs.some((i) => tail.has(i))) continue;
    for (const o of n.outputs) tail.add(o);
    for (const i of inputs) if (!tail.has(i) && !cut.includes(i)) cut.push(i);
  }
  for (const v of cut) if (!led(v)) throw new Error(`batch cut value ${v} is not led by the batch ([${shapeOf(g, v).join(',')}]); the graph cannot be split per frame`);
  return cut;
}

function dtypeOf(kind: ValueKind): DType {
  return kind === 'float' ? 'float32' : kind === 'bool' ? 'bool' : 'int32';
}

/**
 * The sub-graph from `inputs` (values of the model, shapes as at batch 1) to the model's
 * outputs: the nodes that compute the inputs are dropped, the inputs become graph inputs.
 */
export function cutGraph(model: Uint8Array | ModelGraph, inputs: readonly string[]): ModelGraph {
  const graph = model instanceof Uint8Array ? decodeOnnx(model) : model;
  const { g } = inferred(graph, 1);
  const cut = new Set(inputs);
  const live = new Set(graph.outputs.map((o) => o.name));
  const kept: ModelGraph['nodes'][number][] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    const needed = n.outputs.filter((o) => live.has(o));
    if (needed.length === 0 || needed.every((o) => cut.has(o))) continue;
    if (needed.some((o) => cut.has(o))) throw new Error(`node ${n.name} computes both a cut value and a value the rest needs`);
    kept.push(n);
    for (const x of n.inputs) if (!cut.has(x)) live.add(x);
  }
  const original = new Set(graph.inputs.map((i) => i.name));
  const stray = [...live].filter((v) => original.has(v) && !cut.has(v));
  if (stray.length > 0) throw new Error(`the tail still reads graph input(s) ${stray.join(', ')}; add them to the cut`);
  return {
    ...graph,
    nodes: kept.reverse(),
    inputs: inputs.map((name) => ({ name, dtype: dtypeOf(g.kinds.get(name) ?? 'float'), shape: shapeOf(g, name) })),
  };
}
