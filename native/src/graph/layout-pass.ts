// Removes the NHWC <-> NCHW transposes a TF-converted graph wraps around every convolution.
// A value produced by Transpose(x, [0,2,3,1]) is kept physically as x (NCHW); layout-agnostic
// ops between convolutions (activations, residual adds, broadcast multiplies, channel concat,
// spatial means) run on the NCHW tensors directly, and the NHWC form is materialised only
// where an op depends on the memory order (a Reshape, a graph output).
import { attrInt, attrInts, removeDeadNodes, shapeOf, type IrConst, type IrGraph, type IrNode } from './graph-ir.ts';

const TO_NHWC = [0, 2, 3, 1];
const TO_NCHW = [0, 3, 1, 2];
/** NHWC axis -> the same logical axis in NCHW. */
const AXIS_IN_NCHW = [0, 2, 3, 1];
const AGNOSTIC = new Set(['Relu', 'Sigmoid', 'Clip', 'Identity', 'Cast', 'Not', 'Neg', 'Add', 'Sub', 'Mul', 'Div', 'Equal', 'Less', 'Greater', 'And', 'Or', 'Xor', 'Min', 'Max', 'Where']);

const samePerm = (a: readonly number[] | undefined, b: readonly number[]): boolean => !!a && a.length === b.length && a.every((v, i) => v === b[i]);

export interface LayoutStats {
  transposesBefore: number;
  transposesAfter: number;
}

function transposeConst(c: IrConst): IrConst {
  const dims = [...new Array(4 - c.dims.length).fill(1), ...c.dims] as [number, number, number, number];
  const [n, h, w, ch] = dims;
  const out = new Array<number>(n * h * w * ch);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < ch; k++) out[((b * ch + k) * h + y) * w + x] = Number(c.data[((b * h + y) * w + x) * ch + k]);
  return { kind: c.kind, dims: [n, ch, h, w], data: c.kind === 'float' ? Float32Array.from(out) : out };
}

/**
 * Rewrites `g` so activations between convolutions stay NCHW.
 * @example const { transposesAfter } = eliminateTransposes(ir);
 */
export function eliminateTransposes(g: IrGraph): LayoutStats {
  const before = g.nodes.filter((n) => n.op === 'Transpose').length;
  /** logical NHWC value -> the NCHW value that holds its data. */
  const phys = new Map<string, string>();
  const materialised = new Set<string>();
  const out: IrNode[] = [];
  const rename = new Map<string, string>();
  const transposed = new Map<string, string>();

  const materialise = (v: string): void => {
    if (materialised.has(v) || !phys.has(v)) return;
    materialised.add(v);
    out.push({ op: 'Transpose', name: `${v}/to_nhwc`, inputs: [phys.get(v)!], outputs: [v], attrs: { perm: TO_NHWC } });
  };
  const nchwName = (v: string): string => {
    const name = `${v}#nchw`;
    const s = shapeOf(g, v);
    g.shapes.set(name, TO_NCHW.map((p) => s[p]!));
    g.kinds.set(name, g.kinds.get(v)!);
    return name;
  };

  for (const n of g.nodes) {
    n.inputs = n.inputs.map((i) => rename.get(i) ?? i);
    const in0 = n.inputs[0] ?? '';
    const perm = attrInts(n, 'perm');
    if (n.op === 'Transpose' && samePerm(perm, TO_NHWC) && shapeOf(g, in0).length === 4 && !g.consts.has(in0) && !phys.has(in0)) {
      phys.set(n.outputs[0]!, in0);
      continue;
    }
    if (n.op === 'Transpose' && samePerm(perm, TO_NCHW) && phys.has(in0)) {
      rename.set(n.outputs[0]!, phys.get(in0)!);
      continue;
    }
    if (n.op === 'Transpose') {
      // The same transpose of the same value twice (two convs reading the graph input) runs once.
      const key = `${in0}|${(perm ?? []).join(',')}`;
      const seen = transposed.get(key);
      if (seen) {
        rename.set(n.outputs[0]!, seen);
        continue;
      }
      transposed.set(key, n.outputs[0]!);
    }
    const runtime = n.inputs.filter((i) => i !== '' && !g.consts.has(i));
    const anyPhys = runtime.some((i) => phys.has(i));
    let rewritten = false;
    if (anyPhys && AGNOSTIC.has(n.op) && shapeOf(g, n.outputs[0]!).length === 4) {
      // Every run-time input must be held NCHW; constants must broadcast as [.., C] or scalars.
      const ok = runtime.every((i) => phys.has(i)) && n.inputs.every((i) => i === '' || !g.consts.has(i) || n.op === 'Clip' || shapeOf(g, i).length <= 4);
      if (ok) {
        n.inputs = n.inputs.map((i) => {
          if (i === '') return i;
          if (phys.has(i)) return phys.get(i)!;
          const c = g.consts.get(i)!;
          if (n.op === 'Clip' || c.dims.reduce((a, b) => a * b, 1) === 1) return i;
          const name = `${i}#nchw`;
          if (!g.consts.has(name)) {
            const t = transposeConst(c);
            g.consts.set(name, t);
            g.shapes.set(name, t.dims);
            g.kinds.set(name, t.kind);
          }
          return name;
        });
        rewritten = true;
      }
    } else if (anyPhys && n.op === 'Concat' && runtime.length === n.inputs.length && runtime.every((i) => phys.has(i))) {
      const axis = attrInt(n, 'axis', 0);
      n.attrs = { ...n.attrs, axis: AXIS_IN_NCHW[axis < 0 ? axis + 4 : axis]! };
      n.inputs = n.inputs.map((i) => phys.get(i)!);
      rewritten = true;
    } else if (anyPhys && n.op === 'ReduceMean' && attrInt(n, 'keepdims', 1) === 1) {
      const axes = attrInts(n, 'axes') ?? [0, 1, 2, 3];
      n.attrs = { ...n.attrs, axes: axes.map((a) => AXIS_IN_NCHW[a < 0 ? a + 4 : a]!).sort() };
      n.inputs = [phys.get(in0)!];
      rewritten = true;
    }
    if (rewritten) {
      const logical = n.outputs[0]!;
      const physical = nchwName(logical);
      phys.set(logical, physical);
      n.outputs = [physical];
      out.push(n);
      continue;
    }
    for (const i of n.inputs) materialise(i);
    out.push(n);
  }
  for (const o of g.outputs) materialise(o);
  g.nodes = out;
  removeDeadNodes(g);
  return { transposesBefore: before, transposesAfter: g.nodes.filter((n) => n.op === 'Transpose').length };
}
