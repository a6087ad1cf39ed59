// Convolution, pooling, resize and matmul ops. TF runs them on NHWC; ONNX wants NCHW, so each is
// wrapped in Transpose nodes, which onnxruntime's transpose optimiser cancels between layers.
import { attr, type OnnxAttribute } from '../onnx/onnx-model.ts';
import { attrBool, attrFloat, attrInts, attrString, attrStrings, TO_NCHW, TO_NHWC, type ConvertContext } from './convert-context.ts';
import type { TfNode } from './tfjs-model.ts';

export type OpConverter = (ctx: ConvertContext, node: TfNode, inputs: readonly string[]) => void;

function requireNhwc(node: TfNode): void {
  const format = attrString(node, 'data_format') ?? 'NHWC';
  if (format !== 'NHWC') throw new Error(`${node.op} ${node.name}: data_format ${format} is not supported (only NHWC)`);
}

function paddingAttrs(node: TfNode): Record<string, OnnxAttribute> {
  const padding = attrString(node, 'padding') ?? 'VALID';
  // TF SAME puts the odd pixel of padding after the data, exactly like ONNX SAME_UPPER.
  if (padding === 'SAME') return { auto_pad: attr.string('SAME_UPPER') };
  if (padding === 'VALID') return { pads: attr.ints([0, 0, 0, 0]) };
  if (padding === 'EXPLICIT') {
    const p = attrInts(node, 'explicit_paddings') ?? [];
    if (p.length !== 8) throw new Error(`${node.op} ${node.name}: explicit_paddings must hold 8 values, got ${p.length}`);
    return { pads: attr.ints([p[2]!, p[4]!, p[3]!, p[5]!]) };
  }
  throw new Error(`${node.op} ${node.name}: unsupported padding ${padding}`);
}

function spatial(node: TfNode, key: string): [number, number] {
  const v = attrInts(node, key) ?? [1, 1, 1, 1];
  return [v[1] ?? 1, v[2] ?? 1];
}

/** Emits a TF fused activation on `input`; returns the activated value. */
export function activation(ctx: ConvertContext, node: TfNode, op: string, input: string, alphaInput?: string): string {
  const out = ctx.fresh(`${node.name}/${op}`);
  switch (op) {
    case 'Relu': return ctx.emit('Relu', [input], [out]);
    case 'Relu6': return ctx.emit('Clip', [input, ctx.float('__zero', [0], []), ctx.float('__six', [6], [])], [out]);
    case 'Sigmoid': return ctx.emit('Sigmoid', [input], [out]);
    case 'Tanh': return ctx.emit('Tanh', [input], [out]);
    case 'Elu': return ctx.emit('Elu', [input], [out]);
    // A fused convolution keeps its slope in `leakyrelu_alpha`, a plain LeakyRelu node in `alpha`
    // (NanoDet's 0.1 would otherwise become TF's default 0.2).
    case 'LeakyRelu': return ctx.emit('LeakyRelu', [input], [out], { alpha: attr.float(attrFloat(node, 'leakyrelu_alpha') ?? attrFloat(node, 'alpha') ?? 0.2) });
    case 'Prelu': {
      if (!alphaInput) throw new Error(`${node.op} ${node.name}: Prelu without alpha`);
      return ctx.emit('PRelu', [input, alphaInput], [out]);
    }
    default: throw new Error(`${node.op} ${node.name}: unsupported fused activation ${op}`);
  }
}

/** Prelu alpha is per channel on NHWC; inside the NCHW section it must broadcast as [C, 1, 1]. */
function channelFirstAlpha(ctx: ConvertContext, tfInput: string, node: TfNode): string {
  const a = ctx.requireConstant(tfInput, node, 'Prelu alpha');
  return ctx.tensor(`${tfInput}__c11`, 'float32', [a.data.length, 1, 1], a.data);
}

function convolution(depthwise: boolean): OpConverter {
  return (ctx, node, inputs) => {
    requireNhwc(node);
    const [x, f, ...extra] = inputs;
    const filter = ctx.requireConstant(f!, node, 'filter');
    const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
    const src = filter.data as Float32Array;
    // Conv: HWIO -> OIHW. Depthwise: [kh, kw, C, M] -> [C*M, 1, kh, kw], output channel c*M+m, as TF orders them.
    const outChannels = depthwise ? cin * cout : cout;
    const inPerGroup = depthwise ? 1 : cin;
    const w = new Float32Array(outChannels * inPerGroup * kh * kw);
    for (let y = 0; y < kh; y++) {
      for (let xx = 0; xx < kw; xx++) {
        for (let i = 0; i < cin; i++) {
          for (let o = 0; o < cout; o++) {
            const v = src[((y * kw + xx) * cin + i) * cout + o]!;
            const oc = depthwise ? i * cout + o : o;
            const ic = depthwise ? 0 : i;
            w[((oc * inPerGroup + ic) * kh + y) * kw + xx] = v;
          }
        }
      }
    }
    const weight = ctx.tensor(`${f}__oihw`, 'float32', [outChannels, inPerGroup, kh, kw], w);
    const fused = attrStrings(node, 'fused_ops');
    const convInputs = [ctx.emit('Transpose', [ctx.value(x!)], [ctx.fresh(`${node.name}/nchw`)], { perm: attr.ints(TO_NCHW) }), weight];
    let rest = fused;
    if (fused[0] === 'BiasAdd') {
      convInputs.push(ctx.value(extra[0]!));
      rest = fused.slice(1);
    } else if (fused.length > 0) {
      throw new Error(`${node.op} ${node.name}: unsupported fused ops ${fused.join('+')}`);
    }
    const attrs: Record<string, OnnxAttribute> = {
      kernel_shape: attr.ints([kh, kw]),
      strides: attr.ints(spatial(node, 'strides')),
      dilations: attr.ints(spatial(node, 'dilations')),
      ...paddingAttrs(node),
    };
    if (depthwise) attrs.group = attr.int(cin);
    let y = ctx.emit('Conv', convInputs, [ctx.fresh(`${node.name}/conv`)], attrs);
    for (const op of rest) y = activation(ctx, node, op, y, op === 'Prelu' ? channelFirstAlpha(ctx, extra[1]!, node) : undefined);
    ctx.emit('Transpose', [y], [node.name], { perm: attr.ints(TO_NHWC) });
  };
}

function pool(onnxOp: 'MaxPool' | 'AveragePool'): OpConverter {
  return (ctx, node, inputs) => {
    requireNhwc(node);
    const nchw = ctx.emit('Transpose', [ctx.value(inputs[0]!)], [ctx.fresh(`${node.name}/nchw`)], { perm: attr.ints(TO_NCHW) });
    const attrs: Record<string, OnnxAttribute> = { kernel_shape: attr.ints(spatial(node, 'ksize')), strides: attr.ints(spatial(node, 'strides')), ...paddingAttrs(node) };
    // TF averages only over real pixels at the borders.
    if (onnxOp === 'AveragePool') attrs.count_include_pad = attr.int(0);
    const y = ctx.emit(onnxOp, [nchw], [ctx.fresh(`${node.name}/pool`)], attrs);
    ctx.emit('Transpose', [y], [node.name], { perm: attr.ints(TO_NHWC) });
  };
}

function resize(mode: 'linear' | 'nearest'): OpConverter {
  return (ctx, node, inputs) => {
    const size = ctx.requireConstant(inputs[1]!, node, 'size');
    const [h, w] = Array.from(size.data as Int32Array);
    const alignCorners = attrBool(node, 'align_corners');
    const halfPixel = attrBool(node, 'half_pixel_centers');
    const transform = alignCorners ? 'align_corners' : halfPixel ? (mode === 'nearest' ? 'tf_half_pixel_for_nn' : 'half_pixel') : 'asymmetric';
    const x = ctx.value(inputs[0]!);
    const nchw = ctx.emit('Transpose', [x], [ctx.fresh(`${node.name}/nchw`)], { perm: attr.ints(TO_NCHW) });
    // Sizes must name N and C too; they come from the input's shape (folded by onnxruntime).
    const shape = ctx.emit('Shape', [nchw], [ctx.fresh(`${node.name}/shape`)], undefined, 'int64');
    const nc = ctx.emit('Slice', [shape, ctx.int64('__i64_0', [0]), ctx.int64('__i64_2', [2])], [ctx.fresh(`${node.name}/nc`)]);
    const sizes = ctx.emit('Concat', [nc, ctx.int64(`${node.name}/hw`, [h!, w!])], [ctx.fresh(`${node.name}/sizes`)], { axis: attr.int(0) });
    const attrs: Record<string, OnnxAttribute> = { mode: attr.string(mode), coordinate_transformation_mode: attr.string(transform) };
    if (mode === 'nearest') attrs.nearest_mode = attr.string(alignCorners ? 'round_prefer_ceil' : 'floor');
    const y = ctx.emit('Resize', [nchw, '', '', sizes], [ctx.fresh(`${node.name}/resize`)], attrs);
    ctx.emit('Transpose', [y], [node.name], { perm: attr.ints(TO_NHWC) });
  };
}

const matmul: OpConverter = (ctx, node, inputs) => {
  const [a, b, ...extra] = inputs;
  let av = ctx.value(a!);
  let bv = ctx.value(b!);
  if (attrBool(node, 'transpose_a')) av = ctx.emit('Transpose', [av], [ctx.fresh(`${node.name}/at`)], { perm: attr.ints([1, 0]) });
  if (attrBool(node, 'transpose_b')) bv = ctx.emit('Transpose', [bv], [ctx.fresh(`${node.name}/bt`)], { perm: attr.ints([1, 0]) });
  const fused = attrStrings(node, 'fused_ops');
  let y = ctx.emit('MatMul', [av, bv], [fused.length ? ctx.fresh(`${node.name}/mm`) : node.name]);
  if (fused.length === 0) return;
  if (fused[0] !== 'BiasAdd') throw new Error(`${node.op} ${node.name}: unsupported fused ops ${fused.join('+')}`);
  y = ctx.emit('Add', [y, ctx.value(extra[0]!)], [fused.length > 1 ? ctx.fresh(`${node.name}/bias`) : node.name]);
  if (fused.length > 1) {
    const act = activation(ctx, node, fused[1]!, y, fused[1] === 'Prelu' ? ctx.value(extra[1]!) : undefined);
    ctx.emit('Identity', [act], [node.name]);
  }
};

export const convOps: Readonly<Record<string, OpConverter>> = {
  Conv2D: convolution(false),
  _FusedConv2D: convolution(false),
  DepthwiseConv2dNative: convolution(true),
  FusedDepthwiseConv2dNative: convolution(true),
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  ResizeBilinear: resize('linear'),
  ResizeNearestNeighbor: resize('nearest'),
  MatMul: matmul,
  _FusedMatMul: matmul,
};
