// Element-wise, shape, reduction and indexing ops (layout-free: they work on NHWC as TF does).
import { attr, ONNX_TYPE_CODE } from '../onnx/onnx-model.ts';
import { attrBool, attrInt, attrInts, tfTypeToOnnx, type ConvertContext } from './convert-context.ts';
import type { OpConverter } from './conv-ops.ts';
import { activation } from './conv-ops.ts';
import type { TfNode, TfWeight } from './tfjs-model.ts';

const BIG = 2 ** 53 - 1;

function ints(ctx: ConvertContext, node: TfNode, input: string, role: string): number[] {
  return Array.from(ctx.requireConstant(input, node, role).data as Int32Array);
}

function unary(onnxOp: string): OpConverter {
  return (ctx, node, inputs) => void ctx.emit(onnxOp, [ctx.value(inputs[0]!)], [node.name]);
}

function binary(onnxOp: string, outType?: 'bool'): OpConverter {
  return (ctx, node, inputs) => void ctx.emit(onnxOp, [ctx.value(inputs[0]!), ctx.value(inputs[1]!)], [node.name], undefined, outType);
}

function fusedActivation(op: string): OpConverter {
  return (ctx, node, inputs) => void ctx.emit('Identity', [activation(ctx, node, op, ctx.value(inputs[0]!), inputs[1] ? ctx.value(inputs[1]) : undefined)], [node.name]);
}

function reduce(onnxOp: string, axesAsInput: boolean): OpConverter {
  return (ctx, node, inputs) => {
    const axes = ints(ctx, node, inputs[1]!, 'reduction axes');
    const keepdims = attr.int(attrBool(node, 'keep_dims') ? 1 : 0);
    if (axesAsInput) ctx.emit(onnxOp, [ctx.value(inputs[0]!), ctx.int64(`${node.name}/axes`, axes)], [node.name], { keepdims });
    else ctx.emit(onnxOp, [ctx.value(inputs[0]!)], [node.name], { axes: attr.ints(axes), keepdims });
  };
}

/** Integer tensors use ONNX Div/Mod directly; floats get floor semantics spelled out. */
const floorDiv: OpConverter = (ctx, node, inputs) => {
  const [a, b] = [ctx.value(inputs[0]!), ctx.value(inputs[1]!)];
  if (ctx.typeOf(a) === 'float32') {
    ctx.emit('Floor', [ctx.emit('Div', [a, b], [ctx.fresh(`${node.name}/div`)])], [node.name]);
    return;
  }
  // ONNX integer Div truncates toward zero; TF floors. floor(a/b) = trunc - (sign differs and a % b != 0).
  const q = ctx.emit('Div', [a, b], [ctx.fresh(`${node.name}/trunc`)]);
  const r = ctx.emit('Mod', [a, b], [ctx.fresh(`${node.name}/rem`)], { fmod: attr.int(1) });
  const type = ctx.typeOf(a) ?? 'int32';
  const zero = ctx.tensor(`__zero_${type}`, type, [], type === 'int64' ? new BigInt64Array(1) : new Int32Array(1));
  const one = ctx.tensor(`__one_${type}`, type, [], type === 'int64' ? BigInt64Array.of(1n) : Int32Array.of(1));
  const remNonZero = ctx.emit('Not', [ctx.emit('Equal', [r, zero], [ctx.fresh(`${node.name}/r0`)], undefined, 'bool')], [ctx.fresh(`${node.name}/rnz`)], undefined, 'bool');
  const signsDiffer = ctx.emit('Xor', [ctx.emit('Less', [r, zero], [ctx.fresh(`${node.name}/rneg`)], undefined, 'bool'), ctx.emit('Less', [b, zero], [ctx.fresh(`${node.name}/bneg`)], undefined, 'bool')], [ctx.fresh(`${node.name}/sd`)], undefined, 'bool');
  const adjust = ctx.emit('And', [remNonZero, signsDiffer], [ctx.fresh(`${node.name}/adj`)], undefined, 'bool');
  ctx.emit('Sub', [q, ctx.emit('Where', [adjust, one, zero], [ctx.fresh(`${node.name}/one`)], undefined, type)], [node.name]);
};

const floorMod: OpConverter = (ctx, node, inputs) => {
  const [a, b] = [ctx.value(inputs[0]!), ctx.value(inputs[1]!)];
  if (ctx.typeOf(a) === 'float32') {
    // x - floor(x / y) * y: ONNX float Mod only offers C fmod.
    const f = ctx.emit('Floor', [ctx.emit('Div', [a, b], [ctx.fresh(`${node.name}/div`)])], [ctx.fresh(`${node.name}/floor`)]);
    ctx.emit('Sub', [a, ctx.emit('Mul', [f, b], [ctx.fresh(`${node.name}/mul`)])], [node.name]);
    return;
  }
  // Integer Mod with fmod=0 takes the divisor's sign, which is TF's FloorMod.
  ctx.emit('Mod', [a, b], [node.name], { fmod: attr.int(0) });
};

const stridedSlice: OpConverter = (ctx, node, inputs) => {
  const begin = ints(ctx, node, inputs[1]!, 'begin');
  const end = ints(ctx, node, inputs[2]!, 'end');
  const strides = ints(ctx, node, inputs[3]!, 'strides');
  const [beginMask, endMask, shrinkMask] = ['begin_mask', 'end_mask', 'shrink_axis_mask'].map((k) => attrInt(node, k) ?? 0) as [number, number, number];
  if ((attrInt(node, 'ellipsis_mask') ?? 0) !== 0 || (attrInt(node, 'new_axis_mask') ?? 0) !== 0) throw new Error(`StridedSlice ${node.name}: ellipsis and new-axis masks are not supported`);
  const starts: number[] = [];
  const ends: number[] = [];
  const squeeze: number[] = [];
  begin.forEach((b, i) => {
    const s = strides[i]!;
    const bit = 1 << i;
    if (shrinkMask & bit) {
      starts.push(b);
      ends.push(b === -1 ? BIG : b + 1);
      squeeze.push(i);
      return;
    }
    starts.push(beginMask & bit ? (s > 0 ? 0 : BIG) : b);
    ends.push(endMask & bit ? (s > 0 ? BIG : -BIG) : end[i]!);
  });
  const axes = begin.map((_, i) => i);
  const sliced = ctx.emit('Slice', [ctx.value(inputs[0]!), ctx.int64(`${node.name}/starts`, starts), ctx.int64(`${node.name}/ends`, ends), ctx.int64(`${node.name}/axes`, axes), ctx.int64(`${node.name}/steps`, strides)], [squeeze.length ? ctx.fresh(`${node.name}/slice`) : node.name]);
  if (squeeze.length) ctx.emit('Squeeze', [sliced, ctx.int64(`${node.name}/squeeze`, squeeze)], [node.name]);
};

const reshape: OpConverter = (ctx, node, inputs) => {
  const c = ctx.constant(inputs[1]!);
  const shape = c ? ctx.int64(`${inputs[1]}__i64`, Array.from(c.data as Int32Array), c.shape) : ctx.emit('Cast', [ctx.value(inputs[1]!)], [ctx.fresh(`${node.name}/shape`)], { to: attr.int(ONNX_TYPE_CODE.int64) }, 'int64');
  ctx.emit('Reshape', [ctx.value(inputs[0]!), shape], [node.name]);
};

const topK: OpConverter = (ctx, node, inputs) => {
  const [k] = ints(ctx, node, inputs[1]!, 'k');
  const indices64 = ctx.fresh(`${node.name}/indices`);
  ctx.emit('TopK', [ctx.value(inputs[0]!), ctx.int64(`${node.name}/k`, [k!])], [node.name, indices64], { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) });
  ctx.types.set(indices64, 'int64');
  // TF's indices are int32; keep them so for the integer arithmetic that follows.
  ctx.emit('Cast', [indices64], [`${node.name}:1`], { to: attr.int(ONNX_TYPE_CODE.int32) }, 'int32');
};

const concat: OpConverter = (ctx, node, inputs) => {
  const [axis] = ints(ctx, node, inputs[inputs.length - 1]!, 'axis');
  ctx.emit('Concat', inputs.slice(0, -1).map((i) => ctx.value(i)), [node.name], { axis: attr.int(axis!) });
};

const pack: OpConverter = (ctx, node, inputs) => {
  const axis = attrInt(node, 'axis') ?? 0;
  const axes = ctx.int64(`${node.name}/axes`, [axis]);
  const parts = inputs.map((i) => ctx.emit('Unsqueeze', [ctx.value(i), axes], [ctx.fresh(`${node.name}/u`)]));
  ctx.emit('Concat', parts, [node.name], { axis: attr.int(axis) });
};

const unpack: OpConverter = (ctx, node, inputs) => {
  const axis = attrInt(node, 'axis') ?? 0;
  const num = attrInt(node, 'num') ?? 0;
  const parts = Array.from({ length: num }, (_, k) => ctx.fresh(`${node.name}/part${k}`));
  ctx.emit('Split', [ctx.value(inputs[0]!)], parts, { axis: attr.int(axis) });
  const axes = ctx.int64(`${node.name}/axes`, [axis]);
  parts.forEach((p, k) => ctx.emit('Squeeze', [p, axes], [k === 0 ? node.name : `${node.name}:${k}`]));
};

// SplitV: sizes and axis must be constants (one -1 size takes the rest when the input's extent is
// known to ONNX at run time, so it is spelled out only when no -1 is present).
const splitV: OpConverter = (ctx, node, inputs) => {
  const sizes = ints(ctx, node, inputs[1]!, 'size_splits');
  const [axis] = ints(ctx, node, inputs[2]!, 'split_dim');
  if (sizes.some((s) => s < 0)) throw new Error(`SplitV ${node.name}: a -1 size is not supported; sizes ${sizes.join(', ')}`);
  const outputs = sizes.map((_, k) => (k === 0 ? node.name : `${node.name}:${k}`));
  ctx.emit('Split', [ctx.value(inputs[0]!), ctx.int64(`${node.name}/split`, sizes)], outputs, { axis: attr.int(axis!) });
};

// SparseToDense with constant indices, shape, values and default (as graphs exported through
// onnx-tf carry for shape arithmetic) is folded into a constant here.
const sparseToDense: OpConverter = (ctx, node, inputs) => {
  const [indices, shape, values, fill] = ['sparse_indices', 'output_shape', 'sparse_values', 'default_value'].map((role, k) => ctx.requireConstant(inputs[k]!, node, role)) as [TfWeight, TfWeight, TfWeight, TfWeight];
  const dims = Array.from(shape.data, Number);
  const size = dims.reduce((a, b) => a * b, 1);
  const dense = values.dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  dense.fill(Number(fill.data[0] ?? 0));
  const rank = dims.length;
  const count = indices.shape.length === 0 ? 1 : indices.shape[0]!;
  for (let i = 0; i < count; i++) {
    let flat = 0;
    for (let d = 0; d < rank; d++) {
      const index = Number(indices.shape.length === 2 ? indices.data[i * rank + d] : indices.data[i]);
      if (!(index >= 0 && index < dims[d]!)) throw new Error(`SparseToDense ${node.name}: index ${index} outside dimension ${d} of [${dims.join(', ')}]`);
      flat = flat * dims[d]! + index;
    }
    dense[flat] = Number(values.data.length === 1 ? values.data[0] : values.data[i]);
  }
  const constant = ctx.tensor(`${node.name}__dense`, values.dtype === 'float32' ? 'float32' : 'int32', dims, dense);
  ctx.emit('Identity', [constant], [node.name]);
};

const cast: OpConverter = (ctx, node, inputs) => {
  const to = tfTypeToOnnx(node.attr?.DstT?.type);
  ctx.emit('Cast', [ctx.value(inputs[0]!)], [node.name], { to: attr.int(ONNX_TYPE_CODE[to]) }, to);
};

const pad: OpConverter = (ctx, node, inputs) => {
  const p = ints(ctx, node, inputs[1]!, 'paddings');
  const rank = p.length / 2;
  const pads = [...Array.from({ length: rank }, (_, i) => p[i * 2]!), ...Array.from({ length: rank }, (_, i) => p[i * 2 + 1]!)];
  const args = [ctx.value(inputs[0]!), ctx.int64(`${node.name}/pads`, pads)];
  if (inputs[2]) args.push(ctx.value(inputs[2]));
  ctx.emit('Pad', args, [node.name], { mode: attr.string('constant') });
};

export const tensorOps: Readonly<Record<string, OpConverter>> = {
  Identity: unary('Identity'),
  Relu: unary('Relu'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sqrt: unary('Sqrt'),
  Neg: unary('Neg'),
  Abs: unary('Abs'),
  Floor: unary('Floor'),
  Ceil: unary('Ceil'),
  Elu: unary('Elu'),
  LogicalNot: unary('Not'),
  Relu6: fusedActivation('Relu6'),
  LeakyRelu: fusedActivation('LeakyRelu'),
  Prelu: fusedActivation('Prelu'),
  Rsqrt: (ctx, node, inputs) => void ctx.emit('Reciprocal', [ctx.emit('Sqrt', [ctx.value(inputs[0]!)], [ctx.fresh(`${node.name}/sqrt`)])], [node.name]),
  Square: (ctx, node, inputs) => void ctx.emit('Mul', [ctx.value(inputs[0]!), ctx.value(inputs[0]!)], [node.name]),
  SquaredDifference: (ctx, node, inputs) => {
    const d = ctx.emit('Sub', [ctx.value(inputs[0]!), ctx.value(inputs[1]!)], [ctx.fresh(`${node.name}/d`)]);
    ctx.emit('Mul', [d, d], [node.name]);
  },
  Softmax: (ctx, node, inputs) => void ctx.emit('Softmax', [ctx.value(inputs[0]!)], [node.name], { axis: attr.int(-1) }),
  Add: binary('Add'),
  AddV2: binary('Add'),
  BiasAdd: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  RealDiv: binary('Div'),
  Div: binary('Div'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Pow: binary('Pow'),
  Equal: binary('Equal', 'bool'),
  Greater: binary('Greater', 'bool'),
  GreaterEqual: binary('GreaterOrEqual', 'bool'),
  Less: binary('Less', 'bool'),
  LessEqual: binary('LessOrEqual', 'bool'),
  LogicalAnd: binary('And', 'bool'),
  LogicalOr: binary('Or', 'bool'),
  AddN: (ctx, node, inputs) => void ctx.emit('Sum', inputs.map((i) => ctx.value(i)), [node.name]),
  SelectV2: (ctx, node, inputs) => void ctx.emit('Where', inputs.map((i) => ctx.value(i)), [node.name], undefined, ctx.typeOf(ctx.value(inputs[1]!))),
  FloorDiv: floorDiv,
  FloorMod: floorMod,
  Cast: cast,
  Mean: reduce('ReduceMean', false),
  Max: reduce('ReduceMax', false),
  Min: reduce('ReduceMin', false),
  Prod: reduce('ReduceProd', false),
  Sum: reduce('ReduceSum', true),
  Reshape: reshape,
  Squeeze: (ctx, node, inputs) => {
    const dims = attrInts(node, 'squeeze_dims') ?? attrInts(node, 'axis') ?? [];
    ctx.emit('Squeeze', dims.length ? [ctx.value(inputs[0]!), ctx.int64(`${node.name}/axes`, dims)] : [ctx.value(inputs[0]!)], [node.name]);
  },
  ExpandDims: (ctx, node, inputs) => void ctx.emit('Unsqueeze', [ctx.value(inputs[0]!), ctx.int64(`${node.name}/axes`, ints(ctx, node, inputs[1]!, 'axis'))], [node.name]),
  Transpose: (ctx, node, inputs) => void ctx.emit('Transpose', [ctx.value(inputs[0]!)], [node.name], { perm: attr.ints(ints(ctx, node, inputs[1]!, 'permutation')) }),
  ConcatV2: concat,
  Pack: pack,
  Unpack: unpack,
  GatherV2: (ctx, node, inputs) => {
    if ((attrInt(node, 'batch_dims') ?? 0) !== 0) throw new Error(`GatherV2 ${node.name}: batch_dims other than 0 is not supported`);
    const [axis] = ints(ctx, node, inputs[2]!, 'axis');
    ctx.emit('Gather', [ctx.value(inputs[0]!), ctx.value(inputs[1]!)], [node.name], { axis: attr.int(axis!) });
  },
  StridedSlice: stridedSlice,
  SplitV: splitV,
  SparseToDense: sparseToDense,
  TopKV2: topK,
  Pad: pad,
  PadV2: pad,
  Shape: (ctx, node, inputs) => {
    const s = ctx.emit('Shape', [ctx.value(inputs[0]!)], [ctx.fresh(`${node.name}/i64`)], undefined, 'int64');
    ctx.emit('Cast', [s], [node.name], { to: attr.int(ONNX_TYPE_CODE.int32) }, 'int32');
  },
};
