// Small hand-built ONNX graphs covering every op and fusion pattern the planner handles,
// written the way the TFJS converter writes them (NHWC values, Transposes around each conv).
// Shared by the planner tests and the executor parity tests (run against onnxruntime).
import { attr, encodeModel, type OnnxGraph, type OnnxNode, type OnnxTensor } from '@sightline/models';

export interface GraphCase {
  name: string;
  onnx: Uint8Array;
  feeds: Record<string, { dims: number[]; data: Float32Array }>;
}

/** Deterministic uniform values in [lo, hi). */
export function randomFloats(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

class Builder {
  nodes: OnnxNode[] = [];
  inits: OnnxTensor[] = [];
  private n = 0;
  private seed = 7;
  fresh(p: string): string {
    return `${p}_${this.n++}`;
  }
  node(op: string, inputs: string[], attrs: OnnxNode['attributes'] = {}, outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(op.toLowerCase()));
    this.nodes.push({ opType: op, name: this.fresh(op), inputs, outputs: outs, attributes: attrs });
    return outs;
  }
  one(op: string, inputs: string[], attrs: OnnxNode['attributes'] = {}): string {
    return this.node(op, inputs, attrs)[0]!;
  }
  f(values: number[] | Float32Array, dims: number[]): string {
    const name = this.fresh('c');
    this.inits.push({ name, dataType: 'float32', dims, data: Float32Array.from(values) });
    return name;
  }
  rand(dims: number[], scale = 0.5): string {
    return this.f(randomFloats(dims.reduce((a, b) => a * b, 1), this.seed++, -scale, scale), dims);
  }
  i64(values: number[], dims = [values.length]): string {
    const name = this.fresh('i');
    this.inits.push({ name, dataType: 'int64', dims, data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }
  i32(values: number[], dims: number[] = []): string {
    const name = this.fresh('i');
    this.inits.push({ name, dataType: 'int32', dims, data: Int32Array.from(values) });
    return name;
  }
  /** NHWC conv as the converter writes it: Transpose, Conv, Transpose. */
  conv(x: string, cin: number, cout: number, k: number, stride: number, attrs: OnnxNode['attributes'] = {}, group = 1, bias = true): string {
    const t = this.one('Transpose', [x], { perm: attr.ints([0, 3, 1, 2]) });
    const inputs = [t, this.rand([cout, cin / group, k, k]), ...(bias ? [this.rand([cout], 0.2)] : [])];
    const c = this.one('Conv', inputs, { kernel_shape: attr.ints([k, k]), strides: attr.ints([stride, stride]), dilations: attr.ints([1, 1]), auto_pad: attr.string('SAME_UPPER'), ...(group > 1 ? { group: attr.int(group) } : {}), ...attrs });
    return this.one('Transpose', [c], { perm: attr.ints([0, 2, 3, 1]) });
  }
  hardSwish(x: string): string {
    const m = this.one('Mul', [this.f([1 / 6], []), x]);
    const a = this.one('Add', [x, this.f([3], [])]);
    const r = this.one('Clip', [a, this.f([0], []), this.f([6], [])]);
    return this.one('Mul', [m, r]);
  }
  finish(name: string, input: { name: string; dims: number[] }, outputs: string[], seed: number): GraphCase {
    const graph: OnnxGraph = { name, nodes: this.nodes, initializers: this.inits, inputs: [{ name: input.name, dataType: 'float32', shape: input.dims }], outputs: outputs.map((o) => ({ name: o, dataType: 'float32' })) };
    const onnx = encodeModel(graph, { opsetVersion: 13, producerName: 'sightline-test', producerVersion: '1' });
    const count = input.dims.reduce((a, b) => a * b, 1);
    return { name, onnx, feeds: { [input.name]: { dims: input.dims, data: randomFloats(count, seed, 0, 1) } } };
  }
}

/** The case table: each graph exercises a kernel, a fusion or a planner pass. */
export function graphCases(): GraphCase[] {
  const cases: GraphCase[] = [];
  {
    const b = new Builder();
    const y = b.hardSwish(b.conv('x', 3, 8, 3, 2));
    const z = b.one('Relu', [b.conv(y, 8, 8, 3, 1, {}, 8)]);
    const w = b.conv(z, 8, 6, 1, 1);
    cases.push(b.finish('conv stride 2 + hard-swish, depthwise + relu, pointwise', { name: 'x', dims: [1, 13, 11, 3] }, [w], 1));
  }
  {
    const b = new Builder();
    const t = b.one('Transpose', ['x'], { perm: attr.ints([0, 3, 1, 2]) });
    const c = b.one('Conv', [t, b.rand([6, 2, 3, 3])], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 1]), dilations: attr.ints([2, 1]), pads: attr.ints([1, 0, 2, 1]), group: attr.int(2) });
    const s = b.one('Mul', [b.one('Add', [c, b.rand([1, 6, 1, 1])]), b.f([1.5], [])]);
    const d = b.one('Sigmoid', [s]);
    const dw = b.one('Clip', [b.one('Conv', [d, b.rand([6, 1, 5, 5]), b.rand([6])], { kernel_shape: attr.ints([5, 5]), group: attr.int(6), auto_pad: attr.string('SAME_UPPER') }), b.f([0], []), b.f([6], [])]);
    cases.push(b.finish('grouped dilated conv, explicit pads, add+mul folded, depthwise 5x5 relu6', { name: 'x', dims: [1, 9, 10, 4] }, [dw], 2));
  }
  {
    const b = new Builder();
    const a = b.conv('x', 4, 8, 1, 1);
    const r = b.one('Add', [b.conv(a, 8, 8, 3, 1, {}, 8), a]);
    const mean = b.one('ReduceMean', [r], { axes: attr.ints([1, 2]), keepdims: attr.int(1) });
    const se = b.one('Sigmoid', [b.conv(b.one('Relu', [b.conv(mean, 8, 4, 1, 1)]), 4, 8, 1, 1, {}, 1, false)]);
    const m = b.one('Mul', [r, se]);
    const t = b.one('Transpose', [m], { perm: attr.ints([0, 3, 1, 2]) });
    const shape = b.one('Shape', [t]);
    const sizes = b.one('Concat', [b.one('Slice', [shape, b.i64([0]), b.i64([2])]), b.i64([14, 12])], { axis: attr.int(0) });
    const up = b.one('Transpose', [b.one('Resize', [t, '', '', sizes], { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('asymmetric') })], { perm: attr.ints([0, 2, 3, 1]) });
    const half = b.one('Transpose', [b.one('Resize', [t, '', b.f([1, 1, 0.75, 1.5], [4])], { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('half_pixel') })], { perm: attr.ints([0, 2, 3, 1]) });
    const cat = b.one('Concat', [up, b.conv(b.conv(up, 8, 8, 3, 1), 8, 8, 3, 1, {}, 8)], { axis: attr.int(3) });
    cases.push(b.finish('residual add, SE (mean, broadcast mul), resize (folded sizes), NHWC concat', { name: 'x', dims: [1, 7, 6, 4] }, [b.one('Relu', [cat]), half], 3));
  }
  {
    const b = new Builder();
    const heat = b.one('Sigmoid', [b.conv('x', 3, 5, 3, 1)]);
    const t = b.one('Transpose', [heat], { perm: attr.ints([0, 3, 1, 2]) });
    const pool = b.one('Transpose', [b.one('MaxPool', [t], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([1, 1]), auto_pad: attr.string('SAME_UPPER') })], { perm: attr.ints([0, 2, 3, 1]) });
    const peaks = b.one('Mul', [heat, b.one('Cast', [b.one('Equal', [heat, pool])], { to: attr.int(1) })]);
    const flat = b.one('Reshape', [peaks, b.i64([1, -1])]);
    const [values, indices] = b.node('TopK', [flat, b.i64([10])], { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) }, 2) as [string, string];
    const idx = b.one('Cast', [indices], { to: attr.int(6) });
    const c5 = b.i32([5]);
    const q = b.one('Div', [idx, c5]);
    const rem = b.one('Mod', [idx, c5], { fmod: attr.int(1) });
    const adj = b.one('And', [b.one('Not', [b.one('Equal', [rem, b.i32([0])])]), b.one('Xor', [b.one('Less', [rem, b.i32([0])]), b.one('Less', [c5, b.i32([0])])])]);
    const floor = b.one('Sub', [q, b.one('Where', [adj, b.i32([1]), b.i32([0])])]);
    const pix = b.one('Mod', [floor, b.i32([7])], { fmod: attr.int(0) });
    const wh = b.one('Reshape', [b.conv('x', 3, 4, 1, 1), b.i64([-1, 4])]);
    const gathered = b.one('Reshape', [b.one('Gather', [wh, b.one('Reshape', [floor, b.i64([-1])])], { axis: attr.int(0) }), b.i64([1, 10, 4])]);
    const sl = b.one('Slice', [gathered, b.i64([0, 0, 1]), b.i64([9007199254740991, 9007199254740991, 4]), b.i64([0, 1, 2]), b.i64([1, 1, 2])]);
    const x = b.one('Cast', [b.one('Unsqueeze', [pix, b.i64([-1])])], { to: attr.int(1) });
    const det = b.one('Concat', [b.one('Sub', [b.one('Mul', [x, b.f([4], [])]), sl]), b.one('Unsqueeze', [values, b.i64([-1])])], { axis: attr.int(-1) });
    cases.push(b.finish('maxpool peaks, TopK, integer floor-div tail, Gather, strided Slice, Concat', { name: 'x', dims: [1, 6, 7, 3] }, [det], 4));
  }
  {
    const b = new Builder();
    const avg = b.one('AveragePool', ['x'], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) });
    const avgPad = b.one('AveragePool', ['x'], { kernel_shape: attr.ints([2, 2]), pads: attr.ints([0, 0, 1, 1]), count_include_pad: attr.int(1) });
    const clipped = b.one('Max', [b.one('Min', ['x', b.f([0.6], [])]), b.f([0.1], [])]);
    const soft = b.one('Softmax', [b.one('Mul', ['x', b.f([4], [])])], { axis: attr.int(1) });
    const mm = b.one('MatMul', ['x', b.rand([6, 4])]);
    const mmBatch = b.one('MatMul', ['x', b.rand([3, 6, 2])]);
    const softLast = b.one('Softmax', [mmBatch]);
    cases.push(b.finish('average pools, Min/Max, Softmax (inner and last axis), MatMul (broadcast batch)', { name: 'x', dims: [2, 3, 5, 6] }, [avg, avgPad, clipped, soft, mm, softLast], 5));
  }
  return cases;
}
