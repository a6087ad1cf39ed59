// face-api's AgeGenderNet ships only weights (a manifest, no graph): its network is defined in
// code (TinyXception with 2 main blocks, 7x7 average pool, two dense heads). This writes that
// network as TF graph nodes over the shipped weights, so the normal converter makes it ONNX.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TfAttrValue, TfjsGraphModel, TfNode, TfWeight, WeightsManifestGroup } from './tfjs-model.ts';
import { readWeights } from './tfjs-model.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const ints = (...v: number[]): TfAttrValue => ({ list: { i: v.map(String) } });
const NHWC: TfAttrValue = { s: b64('NHWC') };

/**
 * face-api's age_gender_model as a graph: input [n, 112, 112, 3] RGB 0..255 (square, letterboxed),
 * outputs `age` [n, 1] (years) and `gender` [n, 2] (P(male), P(female)).
 * @example const model = buildFaceApiAgeGender(path); convertTfjsToOnnx(model);
 */
export function buildFaceApiAgeGender(manifestPath: string): TfjsGraphModel {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as WeightsManifestGroup[];
  const weights = readWeights(manifest, dirname(manifestPath));
  const nodes: TfNode[] = [];
  const constant = (name: string, dtype: 'float32' | 'int32', shape: number[], values: number[]): string => {
    const w: TfWeight = { name, dtype, shape, data: dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values) };
    weights.set(name, w);
    nodes.push({ name, op: 'Const', attr: { dtype: { type: dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32' } } });
    return name;
  };
  for (const name of weights.keys()) nodes.push({ name, op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } });
  const need = (name: string): string => {
    if (!weights.has(name)) throw new Error(`${manifestPath}: weight ${name} is missing; this is not face-api's age_gender_model`);
    return name;
  };
  const node = (name: string, op: string, input: string[], attr: Record<string, TfAttrValue> = {}): string => {
    nodes.push({ name, op, input, attr });
    return name;
  };
  const conv = (p: string, x: string, stride: number): string =>
    node(`${p}/add`, 'BiasAdd', [node(`${p}/conv`, 'Conv2D', [x, need(`${p}/filters`)], { strides: ints(1, stride, stride, 1), padding: { s: b64('SAME') }, data_format: NHWC, dilations: ints(1, 1, 1, 1) }), need(`${p}/bias`)]);
  const separable = (p: string, x: string): string => {
    const dw = node(`${p}/depthwise`, 'DepthwiseConv2dNative', [x, need(`${p}/depthwise_filter`)], { strides: ints(1, 1, 1, 1), padding: { s: b64('SAME') }, data_format: NHWC, dilations: ints(1, 1, 1, 1) });
    const pw = node(`${p}/pointwise`, 'Conv2D', [dw, need(`${p}/pointwise_filter`)], { strides: ints(1, 1, 1, 1), padding: { s: b64('VALID') }, data_format: NHWC, dilations: ints(1, 1, 1, 1) });
    return node(`${p}/add`, 'BiasAdd', [pw, need(`${p}/bias`)]);
  };
  const relu = (x: string): string => node(`${x}/relu`, 'Relu', [x]);
  const reduction = (p: string, x: string, activateInput: boolean): string => {
    let out = separable(`${p}/separable_conv0`, activateInput ? relu(x) : x);
    out = separable(`${p}/separable_conv1`, relu(out));
    out = node(`${p}/pool`, 'MaxPool', [out], { ksize: ints(1, 3, 3, 1), strides: ints(1, 2, 2, 1), padding: { s: b64('SAME') }, data_format: NHWC });
    return node(`${p}/sum`, 'AddV2', [out, conv(`${p}/expansion_conv`, x, 2)]);
  };
  const main = (p: string, x: string): string => {
    let out = separable(`${p}/separable_conv0`, relu(x));
    out = separable(`${p}/separable_conv1`, relu(out));
    out = separable(`${p}/separable_conv2`, relu(out));
    return node(`${p}/sum`, 'AddV2', [out, x]);
  };

  nodes.push({ name: 'input', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '112' }, { size: '112' }, { size: '3' }] } } } });
  // face-api: (x - mean RGB) / 255.
  const centred = node('centred', 'Sub', ['input', constant('mean_rgb', 'float32', [3], [122.782, 117.001, 104.298])]);
  let x = node('normalised', 'Mul', [centred, constant('inv255', 'float32', [], [1 / 255])]);
  x = relu(conv('entry_flow/conv_in', x, 2));
  x = reduction('entry_flow/reduction_block_0', x, false);
  x = reduction('entry_flow/reduction_block_1', x, true);
  x = main('middle_flow/main_block_0', x);
  x = main('middle_flow/main_block_1', x);
  x = reduction('exit_flow/reduction_block', x, true);
  x = relu(separable('exit_flow/separable_conv', x));
  x = node('pooled', 'AvgPool', [x], { ksize: ints(1, 7, 7, 1), strides: ints(1, 2, 2, 1), padding: { s: b64('VALID') }, data_format: NHWC });
  const flat = node('flat', 'Reshape', [x, constant('flat_shape', 'int32', [2], [-1, 512])]);
  node('age', 'BiasAdd', [node('age/matmul', 'MatMul', [flat, need('fc/age/weights')]), need('fc/age/bias')]);
  node('gender', 'Softmax', [node('gender/logits', 'BiasAdd', [node('gender/matmul', 'MatMul', [flat, need('fc/gender/weights')]), need('fc/gender/bias')])]);
  return { path: manifestPath, nodes, weights, inputs: ['input'], outputs: ['age', 'gender'], convertedBy: 'sightline face-api AgeGenderNet builder' };
}
