// A trained HeadNetwork as an ONNX model with the AttributeHead contract: input `features`
// [boxes, S, S, C] (NHWC, as ROI-align pools), output `probabilities` [boxes, labels]. Dropout is
// the identity at inference, so it has no node.
import type { HeadNetwork } from '@sightline/native';
import { attr, encodeModel, type OnnxNode, type OnnxTensor } from '../onnx/onnx-model.ts';

/**
 * ONNX bytes (opset 13) of a trained head.
 * @example const onnx = headToOnnx(net, 'upper_colour');
 */
export function headToOnnx(net: HeadNetwork, name: string): Uint8Array {
  const { side, channels } = net.input;
  const weights = new Map(net.weights().map((w) => [w.name, w]));
  const initializers: OnnxTensor[] = [];
  const tensor = (key: string): string => {
    const w = weights.get(key);
    if (!w) throw new Error(`head ${name}: no weight ${key}`);
    initializers.push({ name: key, dataType: 'float32', dims: w.dims, data: w.data });
    return key;
  };
  const shape = (key: string, dims: number[]): string => {
    initializers.push({ name: key, dataType: 'int64', dims: [dims.length], data: BigInt64Array.from(dims.map(BigInt)) });
    return key;
  };
  const nodes: OnnxNode[] = [];
  let x = 'features';
  const add = (opType: string, inputs: string[], attributes?: OnnxNode['attributes']): void => {
    const out = `${opType.toLowerCase()}_${nodes.length}`;
    nodes.push({ opType, name: out, inputs, outputs: [out], ...(attributes ? { attributes } : {}) });
    x = out;
  };
  const gemm = (prefix: string): void => add('Gemm', [x, tensor(`${prefix}.weight`), tensor(`${prefix}.bias`)], { transB: attr.int(1) });
  const arch = net.architecture;
  if (arch.kind === 'linear') {
    add('Reshape', [x, shape('flat_shape', [-1, side * side * channels])]);
    gemm('fc');
  } else if (arch.kind === 'mlp') {
    add('Reshape', [x, shape('flat_shape', [-1, side * side * channels])]);
    gemm('fc1');
    add('Relu', [x]);
    gemm('fc2');
  } else {
    const pooled = Math.floor(side / 2);
    add('Transpose', [x], { perm: attr.ints([0, 3, 1, 2]) });
    add('Conv', [x, tensor('conv.weight'), tensor('conv.bias')], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
    add('Relu', [x]);
    add('MaxPool', [x], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
    add('Reshape', [x, shape('flat_shape', [-1, arch.filters * pooled * pooled])]);
    gemm('fc');
  }
  nodes.push({ opType: 'Softmax', name: 'probabilities', inputs: [x], outputs: ['probabilities'], attributes: { axis: attr.int(1) } });
  return encodeModel(
    {
      name: `${name}-head`,
      nodes,
      initializers,
      inputs: [{ name: 'features', dataType: 'float32', shape: ['boxes', side, side, channels] }],
      outputs: [{ name: 'probabilities', dataType: 'float32', shape: ['boxes', net.classes] }],
    },
    { opsetVersion: 13, producerName: 'sightline-train', producerVersion: '1', metadata: { head: name, architecture: arch.kind } },
  );
}
