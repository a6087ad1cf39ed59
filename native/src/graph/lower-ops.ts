// Turns one IR node into the integer/float parameters of its executor kernel. Shapes are
// resolved here once, so kernels only do index arithmetic.
import { attrInt, attrInts, attrString, shapeOf, type IrGraph, type IrNode } from './graph-ir.ts';
import { normAxis, sliceSpec, windowAxis } from './shape-infer.ts';
import { BINARY, KIND, MAX_RANK, OP, UNARY, type OpName } from './plan-types.ts';

export interface Lowered {
  op: OpName;
  ints: number[];
  floats: number[];
}

function pad(dims: readonly number[]): number[] {
  if (dims.length > MAX_RANK) throw new Error(`rank ${dims.length} exceeds the executor's ${MAX_RANK}`);
  return [...new Array(MAX_RANK - dims.length).fill(1), ...dims];
}

export function contiguousStrides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** Element strides of `dims` read as the broadcast `out` shape (0 along broadcast axes). */
function broadcastStrides(dims: readonly number[], out: readonly number[]): number[] {
  const p = pad(dims);
  const s = contiguousStrides(p);
  return p.map((d, i) => (d === 1 && out[i] !== 1 ? 0 : s[i]!));
}

const kindCode = (g: IrGraph, v: string): number => (g.kinds.get(v) === 'float' ? KIND.float : KIND.int);

export function lowerNode(g: IrGraph, n: IrNode): Lowered {
  const outDims = shapeOf(g, n.outputs[0]!);
  const out = pad(outDims);
  const in0 = n.inputs[0]!;
  switch (n.op) {
    case 'Conv': {
      const [batch, c, h, w] = shapeOf(g, in0) as [number, number, number, number];
      const [m, , kh, kw] = shapeOf(g, n.inputs[1]!) as [number, number, number, number];
      const strides = attrInts(n, 'strides') ?? [1, 1];
      const dil = attrInts(n, 'dilations') ?? [1, 1];
      const y = windowAxis(n, h, kh, strides[0]!, dil[0]!, 0, 2);
      const x = windowAxis(n, w, kw, strides[1]!, dil[1]!, 1, 2);
      const params = (n.attrs.actParams as number[] | undefined) ?? [];
      return {
        op: 'conv',
        ints: [batch, c, h, w, m, y.out, x.out, kh, kw, strides[0]!, strides[1]!, dil[0]!, dil[1]!, y.pad, x.pad, attrInt(n, 'group', 1), attrInt(n, 'act', 0), n.inputs[2] ? 1 : 0],
        floats: [0, 1, 2, 3].map((i) => params[i] ?? 0),
      };
    }
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Mod': case 'Equal': case 'Less': case 'Greater': case 'And': case 'Or': case 'Xor': case 'Min': case 'Max': {
      const fmod = n.op === 'Mod' && (attrInt(n, 'fmod', 0) === 1 || g.kinds.get(in0) === 'float');
      const code = fmod ? BINARY.FMod : BINARY[n.op];
      return {
        op: 'binary',
        ints: [code, kindCode(g, in0), kindCode(g, n.outputs[0]!), ...out, ...broadcastStrides(shapeOf(g, in0), out), ...broadcastStrides(shapeOf(g, n.inputs[1]!), out)],
        floats: [],
      };
    }
    case 'Where':
      return {
        op: 'where',
        ints: [kindCode(g, n.inputs[1]!), ...out, ...[0, 1, 2].flatMap((i) => broadcastStrides(shapeOf(g, n.inputs[i]!), out))],
        floats: [],
      };
    case 'Relu': case 'Sigmoid': case 'Clip': case 'Not': case 'Neg': case 'Identity': case 'Cast': {
      const code = n.op === 'Identity' || n.op === 'Cast' ? UNARY.Copy : UNARY[n.op];
      const lim = (i: number, fallback: number): number => {
        const name = n.inputs[i];
        if (!name) return fallback;
        const c = g.consts.get(name);
        if (!c) throw new Error(`Clip ${n.name}: min/max must be constant`);
        return Number(c.data[0]);
      };
      const count = outDims.reduce((a, b) => a * b, 1);
      return { op: 'unary', ints: [code, kindCode(g, in0), kindCode(g, n.outputs[0]!), count], floats: n.op === 'Clip' ? [lim(1, -3.4e38), lim(2, 3.4e38)] : [0, 0] };
    }
    case 'Transpose': {
      const s = shapeOf(g, in0);
      const perm = attrInts(n, 'perm') ?? s.map((_, i) => s.length - 1 - i);
      const st = contiguousStrides(s);
      const lead = MAX_RANK - s.length;
      return { op: 'transpose', ints: [kindCode(g, in0), ...out, ...new Array(lead).fill(0), ...perm.map((p) => st[p]!)], floats: [] };
    }
    case 'Concat': {
      const axis = normAxis(attrInt(n, 'axis', 0), outDims.length);
      const outer = outDims.slice(0, axis).reduce((a, b) => a * b, 1);
      const chunks = n.inputs.map((i) => shapeOf(g, i).slice(axis).reduce((a, b) => a * b, 1));
      return { op: 'concat', ints: [kindCode(g, in0), outer, chunks.reduce((a, b) => a + b, 0), n.inputs.length, ...chunks], floats: [] };
    }
    case 'Slice': {
      const spec = sliceSpec(g, n);
      const st = contiguousStrides(shapeOf(g, in0));
      const base = spec.starts.reduce((a, s, i) => a + s * st[i]!, 0);
      const lead = MAX_RANK - st.length;
      return { op: 'slice', ints: [kindCode(g, in0), base, ...out, ...new Array(lead).fill(0), ...st.map((s, i) => s * spec.steps[i]!)], floats: [] };
    }
    case 'Gather': {
      const s = shapeOf(g, in0);
      const axis = normAxis(attrInt(n, 'axis', 0), s.length);
      const outer = s.slice(0, axis).reduce((a, b) => a * b, 1);
      const inner = s.slice(axis + 1).reduce((a, b) => a * b, 1);
      const count = shapeOf(g, n.inputs[1]!).reduce((a, b) => a * b, 1);
      return { op: 'gather', ints: [kindCode(g, in0), outer, s[axis]!, inner, count], floats: [] };
    }
    case 'ReduceMean': {
      const s = shapeOf(g, in0);
      const axes = (attrInts(n, 'axes') ?? s.map((_, i) => i)).map((a) => normAxis(a, s.length)).sort((a, b) => a - b);
      if (axes.some((a, i) => i > 0 && a !== axes[i - 1]! + 1)) throw new Error(`ReduceMean ${n.name}: only contiguous axes are supported`);
      const outer = s.slice(0, axes[0]).reduce((a, b) => a * b, 1);
      const reduce = axes.reduce((a, x) => a * s[x]!, 1);
      const inner = s.slice(axes[axes.length - 1]! + 1).reduce((a, b) => a * b, 1);
      return { op: 'reduceMean', ints: [outer, reduce, inner], floats: [] };
    }
    case 'Resize': {
      const s = shapeOf(g, in0);
      if (s.length !== 4 || outDims[0] !== s[0] || outDims[1] !== s[1] || (!n.inputs[3] && !g.consts.has(n.inputs[2] ?? ''))) throw new Error(`Resize ${n.name}: only spatial resizing of NCHW tensors is supported`);
      const mode = attrString(n, 'mode', 'nearest');
      if (mode !== 'linear') throw new Error(`Resize ${n.name}: mode ${mode} is not supported (linear only)`);
      const ct = attrString(n, 'coordinate_transformation_mode', 'half_pixel');
      const ctCode = { asymmetric: 0, half_pixel: 1, align_corners: 2, pytorch_half_pixel: 3 }[ct];
      if (ctCode === undefined) throw new Error(`Resize ${n.name}: coordinate mode ${ct} is not supported`);
      // onnxruntime maps coordinates with the given scales, or out/in when sizes were given.
      const scales = n.inputs[3] ? [outDims[2]! / s[2]!, outDims[3]! / s[3]!] : [Number(g.consts.get(n.inputs[2]!)!.data[2]), Number(g.consts.get(n.inputs[2]!)!.data[3])];
      return { op: 'resize', ints: [s[0]! * s[1]!, s[2]!, s[3]!, outDims[2]!, outDims[3]!, ctCode], floats: scales };
    }
    case 'MaxPool':
    case 'AveragePool': {
      const [batch, c, h, w] = shapeOf(g, in0) as [number, number, number, number];
      const k = attrInts(n, 'kernel_shape')!;
      const strides = attrInts(n, 'strides') ?? [1, 1];
      const dil = attrInts(n, 'dilations') ?? [1, 1];
      if (dil.some((d) => d !== 1)) throw new Error(`${n.op} ${n.name}: dilation is not supported`);
      if (attrInt(n, 'ceil_mode', 0) !== 0) throw new Error(`${n.op} ${n.name}: ceil_mode is not supported`);
      const y = windowAxis(n, h, k[0]!, strides[0]!, 1, 0, 2);
      const x = windowAxis(n, w, k[1]!, strides[1]!, 1, 1, 2);
      const ints = [batch * c, h, w, y.out, x.out, k[0]!, k[1]!, strides[0]!, strides[1]!, y.pad, x.pad];
      if (n.op === 'MaxPool') return { op: 'maxPool', ints, floats: [] };
      return { op: 'avgPool', ints: [...ints, attrInt(n, 'count_include_pad', 0)], floats: [] };
    }
    case 'Softmax': {
      // Opset 13 semantics (one axis). Before 13 the input was flattened from the axis on; the
      // two agree for the last axis, the only one the converted models use.
      const s = shapeOf(g, in0);
      const axis = normAxis(attrInt(n, 'axis', -1), s.length);
      const outer = s.slice(0, axis).reduce((a, b) => a * b, 1);
      const inner = s.slice(axis + 1).reduce((a, b) => a * b, 1);
      return { op: 'softmax', ints: [outer, s[axis]!, inner], floats: [] };
    }
    case 'MatMul': {
      const a = shapeOf(g, in0);
      const b = shapeOf(g, n.inputs[1]!);
      const [M, K, N] = [a[a.length - 2]!, a[a.length - 1]!, b[b.length - 1]!];
      const batchOut = outDims.slice(0, -2);
      const batchStrides = (dims: readonly number[], matrix: number): number[] => {
        const lead = dims.slice(0, -2);
        const padded = [...new Array(batchOut.length - lead.length).fill(1), ...lead];
        const st = contiguousStrides(padded).map((x) => x * matrix);
        return pad(batchOut).map((d, i) => {
          const j = i - (MAX_RANK - padded.length);
          return j < 0 || padded[j] === 1 ? 0 : st[j]!;
        });
      };
      return { op: 'matMul', ints: [M, K, N, 0, 0, ...pad(batchOut), ...batchStrides(a, M * K), ...batchStrides(b, K * N)], floats: [] };
    }
    case 'TopK': {
      const s = shapeOf(g, in0);
      const axis = normAxis(attrInt(n, 'axis', -1), s.length);
      if (axis !== s.length - 1) throw new Error(`TopK ${n.name}: only the last axis is supported`);
      const cols = s[axis]!;
      const rows = s.reduce((a, b) => a * b, 1) / cols;
      return { op: 'topK', ints: [rows, cols, outDims[axis]!, attrInt(n, 'largest', 1), kindCode(g, in0)], floats: [] };
    }
  }
  throw new Error(`op ${n.op} (node ${n.name}) has no executor kernel`);
}

export const opCode = (name: OpName): number => OP[name];
