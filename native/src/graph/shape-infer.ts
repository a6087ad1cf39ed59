// Static shape and element-kind inference for the ops the planner supports. Every shape is
// known at plan time (batch fixed per plan), which is what lets the memory plan be static.
import { attrInt, attrInts, attrString, shapeOf, type IrGraph, type IrNode, type ValueKind } from './graph-ir.ts';

export const ELEMENTWISE_BINARY = ['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Equal', 'Less', 'Greater', 'And', 'Or', 'Xor', 'Min', 'Max'] as const;
export const ELEMENTWISE_UNARY = ['Relu', 'Sigmoid', 'Clip', 'Not', 'Identity', 'Cast', 'Neg', 'Exp', 'Tanh'] as const;
const COMPARE = new Set(['Equal', 'Less', 'Greater', 'And', 'Or', 'Xor', 'Not']);

export function broadcastShapes(shapes: readonly (readonly number[])[], where: string): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) throw new Error(`${where}: shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')} do not broadcast`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Output size and leading pad of one spatial axis of a conv or pool. */
export function windowAxis(n: IrNode, size: number, kernel: number, stride: number, dilation: number, axis: number, rank: number): { out: number; pad: number } {
  const autoPad = attrString(n, 'auto_pad', 'NOTSET');
  const span = (kernel - 1) * dilation + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + span - size, 0);
    return { out, pad: autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2) };
  }
  if (autoPad === 'VALID') return { out: Math.floor((size - span) / stride) + 1, pad: 0 };
  const pads = attrInts(n, 'pads') ?? new Array(rank * 2).fill(0);
  const begin = pads[axis] ?? 0;
  const end = pads[axis + rank] ?? 0;
  return { out: Math.floor((size + begin + end - span) / stride) + 1, pad: begin };
}

/** Static values of a constant input (Reshape shape, Slice starts, TopK k...), or an error. */
export function constInput(g: IrGraph, n: IrNode, index: number, what: string): number[] {
  const name = n.inputs[index];
  if (name === undefined || name === '') throw new Error(`${n.op} ${n.name}: missing ${what}`);
  const c = g.consts.get(name);
  if (!c) throw new Error(`${n.op} ${n.name}: ${what} must be constant after folding (it depends on run-time data)`);
  return Array.from(c.data);
}

export interface SliceSpec {
  starts: number[];
  steps: number[];
  outDims: number[];
}

/** ONNX Slice clamping rules, resolved to a start and a step per axis. */
export function sliceSpec(g: IrGraph, n: IrNode): SliceSpec {
  const dims = shapeOf(g, n.inputs[0]!);
  const starts = constInput(g, n, 1, 'starts');
  const ends = constInput(g, n, 2, 'ends');
  const axes = n.inputs[3] ? constInput(g, n, 3, 'axes') : starts.map((_, i) => i);
  const steps = n.inputs[4] ? constInput(g, n, 4, 'steps') : starts.map(() => 1);
  const spec: SliceSpec = { starts: dims.map(() => 0), steps: dims.map(() => 1), outDims: [...dims] };
  axes.forEach((a0, i) => {
    const a = normAxis(a0, dims.length);
    const d = dims[a]!;
    const step = steps[i]!;
    if (step === 0) throw new Error(`Slice ${n.name}: step 0`);
    let s = starts[i]!;
    let e = ends[i]!;
    if (s < 0) s += d;
    if (e < 0) e += d;
    if (step > 0) {
      s = Math.min(Math.max(s, 0), d);
      e = Math.min(Math.max(e, 0), d);
    } else {
      s = Math.min(Math.max(s, -1), d - 1);
      e = Math.min(Math.max(e, -1), d - 1);
    }
    spec.starts[a] = s;
    spec.steps[a] = step;
    spec.outDims[a] = Math.max(0, Math.ceil((e - s) / step));
  });
  return spec;
}

function castKind(to: number): ValueKind {
  if (to === 1 || to === 10 || to === 11) return 'float';
  if (to === 9) return 'bool';
  return 'int';
}

/** Sets the shapes and kinds of `n`'s outputs from its inputs'. */
export function inferNode(g: IrGraph, n: IrNode): void {
  const inShape = (i: number): number[] => shapeOf(g, n.inputs[i]!);
  const kind0 = g.kinds.get(n.inputs[0] ?? '') ?? 'float';
  const set = (i: number, dims: number[], kind: ValueKind): void => {
    const name = n.outputs[i];
    if (name === undefined || name === '') return;
    g.shapes.set(name, dims);
    g.kinds.set(name, kind);
  };
  const op = n.op;
  if ((ELEMENTWISE_BINARY as readonly string[]).includes(op)) {
    set(0, broadcastShapes([inShape(0), inShape(1)], `${op} ${n.name}`), COMPARE.has(op) ? 'bool' : kind0);
    return;
  }
  if ((ELEMENTWISE_UNARY as readonly string[]).includes(op)) {
    set(0, inShape(0), op === 'Cast' ? castKind(attrInt(n, 'to', 1)) : COMPARE.has(op) ? 'bool' : kind0);
    return;
  }
  switch (op) {
    case 'Where':
      set(0, broadcastShapes([inShape(0), inShape(1), inShape(2)], `Where ${n.name}`), g.kinds.get(n.inputs[1]!) ?? 'float');
      return;
    case 'Transpose': {
      const s = inShape(0);
      const perm = attrInts(n, 'perm') ?? s.map((_, i) => s.length - 1 - i);
      set(0, perm.map((p) => s[p]!), kind0);
      return;
    }
    case 'Conv':
    case 'MaxPool':
    case 'AveragePool': {
      const [batch, channels, h, w] = inShape(0) as [number, number, number, number];
      if (inShape(0).length !== 4) throw new Error(`${op} ${n.name}: only 2-D (NCHW) windows are supported`);
      const wShape = op === 'Conv' ? inShape(1) : undefined;
      const kernel = attrInts(n, 'kernel_shape') ?? [wShape![2]!, wShape![3]!];
      const strides = attrInts(n, 'strides') ?? [1, 1];
      const dil = attrInts(n, 'dilations') ?? [1, 1];
      const oh = windowAxis(n, h, kernel[0]!, strides[0]!, dil[0]!, 0, 2).out;
      const ow = windowAxis(n, w, kernel[1]!, strides[1]!, dil[1]!, 1, 2).out;
      set(0, [batch, wShape ? wShape[0]! : channels, oh, ow], 'float');
      return;
    }
    case 'ReduceMean': {
      const s = inShape(0);
      const axes = (attrInts(n, 'axes') ?? s.map((_, i) => i)).map((a) => normAxis(a, s.length));
      const keep = attrInt(n, 'keepdims', 1) === 1;
      set(0, keep ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i)), kind0);
      return;
    }
    case 'Shape':
      set(0, [inShape(0).length], 'int');
      return;
    case 'Softmax':
      set(0, inShape(0), kind0);
      return;
    case 'MatMul': {
      const a = inShape(0);
      const b = inShape(1);
      if (a.length < 2 || b.length < 2) throw new Error(`MatMul ${n.name}: 1-D operands are not supported`);
      if (a[a.length - 1] !== b[b.length - 2]) throw new Error(`MatMul ${n.name}: [${a.join(',')}] x [${b.join(',')}] do not chain`);
      const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)], `MatMul ${n.name}`);
      set(0, [...batch, a[a.length - 2]!, b[b.length - 1]!], kind0);
      return;
    }
    case 'Slice':
      set(0, sliceSpec(g, n).outDims, kind0);
      return;
    case 'Concat': {
      const shapes = n.inputs.map((_, i) => inShape(i));
      const axis = normAxis(attrInt(n, 'axis', 0), shapes[0]!.length);
      const out = [...shapes[0]!];
      out[axis] = shapes.reduce((a, s) => a + s[axis]!, 0);
      set(0, out, kind0);
      return;
    }
    case 'Resize': {
      const s = inShape(0);
      if (n.inputs[3]) set(0, constInput(g, n, 3, 'sizes'), kind0);
      else set(0, s.map((d, i) => Math.floor(d * constInput(g, n, 2, 'scales')[i]!)), kind0);
      return;
    }
    case 'Reshape':
    case 'Unsqueeze':
    case 'Squeeze':
    case 'Flatten':
      set(0, reshapeTarget(g, n), kind0);
      return;
    case 'TopK': {
      const s = inShape(0);
      const axis = normAxis(attrInt(n, 'axis', -1), s.length);
      const k = constInput(g, n, 1, 'K')[0]!;
      const out = [...s];
      out[axis] = k;
      set(0, out, kind0);
      set(1, out, 'int');
      return;
    }
    case 'Gather': {
      const s = inShape(0);
      const axis = normAxis(attrInt(n, 'axis', 0), s.length);
      set(0, [...s.slice(0, axis), ...inShape(1), ...s.slice(axis + 1)], kind0);
      return;
    }
  }
  throw new Error(`op ${op} (node ${n.name}) is not supported by the graph planner`);
}

/** The output dims of a Reshape-like op (Reshape, Unsqueeze, Squeeze, Flatten). */
export function reshapeTarget(g: IrGraph, n: IrNode): number[] {
  const s = shapeOf(g, n.inputs[0]!);
  const total = s.reduce((a, b) => a * b, 1);
  if (n.op === 'Flatten') {
    const axis = normAxis(attrInt(n, 'axis', 1), s.length);
    const outer = s.slice(0, axis).reduce((a, b) => a * b, 1);
    return [outer, total / outer];
  }
  if (n.op === 'Unsqueeze' || n.op === 'Squeeze') {
    const axes = n.inputs[1] ? constInput(g, n, 1, 'axes') : attrInts(n, 'axes') ?? [];
    if (n.op === 'Squeeze') {
      const norm = axes.map((a) => normAxis(a, s.length));
      return s.filter((d, i) => (norm.length ? !norm.includes(i) : d !== 1));
    }
    const rank = s.length + axes.length;
    const norm = axes.map((a) => normAxis(a, rank));
    const out: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : s[k++]!);
    return out;
  }
  const target = constInput(g, n, 1, 'shape').map((d, i) => (d === 0 && attrInt(n, 'allowzero', 0) === 0 ? s[i]! : d));
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const out = target.map((d) => (d === -1 ? total / known : d));
  if (out.reduce((a, b) => a * b, 1) !== total || out.some((d) => !Number.isInteger(d))) {
    throw new Error(`Reshape ${n.name}: [${s.join(',')}] cannot become [${target.join(',')}]`);
  }
  return out;
}
