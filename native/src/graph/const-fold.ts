// Shape inference and constant folding in one walk: a node whose inputs are all constant (or
// a Shape of a statically shaped value) is evaluated here and becomes a constant, so shape
// arithmetic (Shape -> Slice -> Concat -> Resize sizes) and constant sub-expressions of the
// decode tail never reach the executor.
import { attrInt, attrInts, removeDeadNodes, shapeOf, type IrConst, type IrGraph, type IrNode, type ValueKind } from './graph-ir.ts';
import { inferNode, normAxis, reshapeTarget, sliceSpec } from './shape-infer.ts';

/** Constants larger than this are left to the executor (folding is for shape and scalar logic). */
const MAX_FOLD_ELEMENTS = 1 << 16;

export interface FoldStats {
  folded: number;
  removedIdentities: number;
  /** With `tolerant`: values whose shape could not be inferred (and everything computed from them). */
  unknown: Set<string>;
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** Index into an input of shape `dims` broadcast to `out` at flat output index `i`. */
function broadcastIndex(i: number, out: readonly number[], dims: readonly number[]): number {
  const off = out.length - dims.length;
  const os = strides(out);
  const ds = strides(dims);
  let idx = 0;
  for (let a = 0; a < out.length; a++) {
    const coord = Math.floor(i / os[a]!) % out[a]!;
    if (a >= off && dims[a - off]! !== 1) idx += coord * ds[a - off]!;
  }
  return idx;
}

const f32 = Math.fround;

function binary(op: string, a: number, b: number, kind: ValueKind, fmod: boolean): number {
  const r = (v: number): number => (kind === 'float' ? f32(v) : v);
  switch (op) {
    case 'Add': return r(a + b);
    case 'Sub': return r(a - b);
    case 'Mul': return kind === 'float' ? f32(a * b) : Math.imul(a, b);
    case 'Div': return kind === 'float' ? f32(a / b) : Math.trunc(a / b);
    case 'Mod': {
      if (fmod || kind === 'float') return r(a % b);
      const m = a % b;
      return m !== 0 && m < 0 !== b < 0 ? m + b : m;
    }
    case 'Equal': return a === b ? 1 : 0;
    case 'Less': return a < b ? 1 : 0;
    case 'Greater': return a > b ? 1 : 0;
    case 'And': return a && b ? 1 : 0;
    case 'Or': return a || b ? 1 : 0;
    case 'Xor': return (a ? 1 : 0) ^ (b ? 1 : 0);
    case 'Min': return Math.min(a, b);
    case 'Max': return Math.max(a, b);
  }
  throw new Error(`cannot fold ${op}`);
}

function unary(n: IrNode, g: IrGraph, v: number, outKind: ValueKind): number {
  switch (n.op) {
    case 'Identity': return v;
    case 'Relu': return Math.max(v, 0);
    case 'Neg': return -v;
    case 'Not': return v ? 0 : 1;
    case 'Sigmoid': return f32(1 / (1 + Math.exp(-v)));
    case 'Cast': return outKind === 'float' ? f32(v) : outKind === 'bool' ? (v ? 1 : 0) : Math.trunc(v);
    case 'Clip': {
      const lo = n.inputs[1] ? Number(g.consts.get(n.inputs[1])!.data[0]) : -Infinity;
      const hi = n.inputs[2] ? Number(g.consts.get(n.inputs[2])!.data[0]) : Infinity;
      return Math.min(Math.max(v, lo), hi);
    }
  }
  throw new Error(`cannot fold ${n.op}`);
}

/** Evaluates `n` on constant inputs; returns undefined when the op is not foldable here. */
function evaluate(g: IrGraph, n: IrNode): IrConst[] | undefined {
  const c = (i: number): IrConst => g.consts.get(n.inputs[i]!)!;
  const outDims = shapeOf(g, n.outputs[0]!);
  const outKind = g.kinds.get(n.outputs[0]!)!;
  const total = outDims.reduce((a, b) => a * b, 1);
  const out = new Array<number>(total);
  switch (n.op) {
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Mod': case 'Equal': case 'Less': case 'Greater': case 'And': case 'Or': case 'Xor': case 'Min': case 'Max': {
      const a = c(0);
      const b = c(1);
      const fmod = attrInt(n, 'fmod', 0) === 1;
      for (let i = 0; i < total; i++) {
        out[i] = binary(n.op, Number(a.data[broadcastIndex(i, outDims, a.dims)]), Number(b.data[broadcastIndex(i, outDims, b.dims)]), a.kind, fmod);
      }
      break;
    }
    case 'Where': {
      const [cond, a, b] = [c(0), c(1), c(2)];
      for (let i = 0; i < total; i++) {
        out[i] = Number(cond.data[broadcastIndex(i, outDims, cond.dims)])
          ? Number(a.data[broadcastIndex(i, outDims, a.dims)])
          : Number(b.data[broadcastIndex(i, outDims, b.dims)]);
      }
      break;
    }
    case 'Identity': case 'Relu': case 'Neg': case 'Not': case 'Sigmoid': case 'Cast': case 'Clip': {
      const a = c(0);
      for (let i = 0; i < total; i++) out[i] = unary(n, g, Number(a.data[i]), outKind);
      break;
    }
    case 'Reshape': case 'Unsqueeze': case 'Squeeze': case 'Flatten':
      reshapeTarget(g, n);
      return [{ kind: outKind, dims: outDims, data: Array.from(c(0).data) }];
    case 'Slice': {
      const a = c(0);
      const spec = sliceSpec(g, n);
      const is = strides(a.dims);
      const os = strides(outDims);
      for (let i = 0; i < total; i++) {
        let src = 0;
        for (let d = 0; d < outDims.length; d++) src += (spec.starts[d]! + (Math.floor(i / os[d]!) % outDims[d]!) * spec.steps[d]!) * is[d]!;
        out[i] = Number(a.data[src]);
      }
      break;
    }
    case 'Concat': {
      const axis = normAxis(attrInt(n, 'axis', 0), outDims.length);
      const outer = outDims.slice(0, axis).reduce((x, y) => x * y, 1);
      let k = 0;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < n.inputs.length; j++) {
          const t = c(j);
          const chunk = t.dims.slice(axis).reduce((x, y) => x * y, 1);
          for (let e = 0; e < chunk; e++) out[k++] = Number(t.data[o * chunk + e]);
        }
      }
      break;
    }
    case 'Gather': {
      const a = c(0);
      const idx = c(1);
      const axis = normAxis(attrInt(n, 'axis', 0), a.dims.length);
      const outer = a.dims.slice(0, axis).reduce((x, y) => x * y, 1);
      const inner = a.dims.slice(axis + 1).reduce((x, y) => x * y, 1);
      const axisDim = a.dims[axis]!;
      let k = 0;
      for (let o = 0; o < outer; o++) {
        for (const raw of idx.data) {
          const j = Number(raw) < 0 ? Number(raw) + axisDim : Number(raw);
          for (let e = 0; e < inner; e++) out[k++] = Number(a.data[(o * axisDim + j) * inner + e]);
        }
      }
      break;
    }
    case 'Transpose': {
      const a = c(0);
      const perm = attrInts(n, 'perm') ?? a.dims.map((_, i) => a.dims.length - 1 - i);
      const is = strides(a.dims);
      const os = strides(outDims);
      for (let i = 0; i < total; i++) {
        let src = 0;
        for (let d = 0; d < outDims.length; d++) src += (Math.floor(i / os[d]!) % outDims[d]!) * is[perm[d]!]!;
        out[i] = Number(a.data[src]);
      }
      break;
    }
    default:
      return undefined;
  }
  return [{ kind: outKind, dims: outDims, data: outKind === 'float' ? Float32Array.from(out) : out }];
}

/**
 * Infers every shape and folds constant sub-graphs in place; Identity nodes are bypassed.
 * `tolerant` keeps going past nodes whose shapes cannot be inferred (a constant reshape target
 * written for batch 1, probed at another batch): their outputs are listed in `unknown`.
 * @example const stats = inferAndFold(ir); // ir.shapes now holds every value's dims
 */
export function inferAndFold(g: IrGraph, options: { tolerant?: boolean } = {}): FoldStats {
  const stats: FoldStats = { folded: 0, removedIdentities: 0, unknown: new Set() };
  const rename = new Map<string, string>();
  const kept: IrNode[] = [];
  for (const n of g.nodes) {
    n.inputs = n.inputs.map((i) => rename.get(i) ?? i);
    try {
      if (n.inputs.some((i) => stats.unknown.has(i))) throw new Error('input of unknown shape');
      inferNode(g, n);
    } catch (err) {
      if (!options.tolerant) throw err;
      for (const o of n.outputs) {
        stats.unknown.add(o);
        g.shapes.delete(o);
      }
      kept.push(n);
      continue;
    }
    const out0 = n.outputs[0]!;
    if (n.op === 'Shape') {
      const dims = shapeOf(g, n.inputs[0]!);
      g.consts.set(out0, { kind: 'int', dims: [dims.length], data: [...dims] });
      stats.folded++;
      continue;
    }
    const allConst = n.inputs.every((i) => i === '' || g.consts.has(i));
    const size = shapeOf(g, out0).reduce((a, b) => a * b, 1);
    if (allConst && n.outputs.length === 1 && size <= MAX_FOLD_ELEMENTS) {
      const values = evaluate(g, n);
      if (values) {
        g.consts.set(out0, values[0]!);
        stats.folded++;
        continue;
      }
    }
    // An Identity that is not a graph output is just another name for its input.
    if (n.op === 'Identity' && !g.outputs.includes(out0)) {
      rename.set(out0, n.inputs[0]!);
      stats.removedIdentities++;
      continue;
    }
    kept.push(n);
  }
  g.nodes = kept;
  removeDeadNodes(g);
  return stats;
}
