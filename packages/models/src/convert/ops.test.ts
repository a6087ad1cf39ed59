// Op-by-op semantics: tiny TF graphs written as TFJS graph models, run by tfjs (cpu backend) and,
// converted, by onnxruntime; outputs must agree. Covers the cases where TF and ONNX differ
// (floor vs truncating division, SAME padding, NHWC layout, slice masks, resize modes).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { onnxRuntimeCpu } from '../backend/onnxruntime-cpu.backend.ts';
import { readTfjsGraphModel, type TfNode } from './tfjs-model.ts';
import { convertTfjsToOnnx } from './tfjs-to-onnx.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-ops-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Dtype = 'float32' | 'int32';
interface Value { name: string; dtype: Dtype; shape: number[]; data: number[] }
/** `expected`: TF's documented result computed here, where tfjs-backend-cpu itself departs from TF. */
interface OpCase { name: string; input: Value; consts?: Value[]; nodes: TfNode[]; expected?: number[] }

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const ints = (...v: number[]) => ({ list: { i: v.map(String) } });
const dt = (d: Dtype) => (d === 'float32' ? 'DT_FLOAT' : 'DT_INT32');
const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const img = (h: number, w: number, c: number): Value => ({ name: 'x', dtype: 'float32', shape: [1, h, w, c], data: seq(h * w * c, (i) => Math.sin(i * 0.7) * 3 + (i % 5)) });
const i32 = (name: string, shape: number[], data: number[]): Value => ({ name, dtype: 'int32', shape, data });
const f32 = (name: string, shape: number[], data: number[]): Value => ({ name, dtype: 'float32', shape, data });
const conv = (op: string, extra: Record<string, unknown> = {}): TfNode => ({ name: 'y', op, input: ['x', 'w'], attr: { strides: ints(1, 2, 2, 1), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: ints(1, 1, 1, 1), ...extra } as TfNode['attr'] });

const cases: OpCase[] = [
  { name: 'FloorDiv and FloorMod on negative ints', input: i32('x', [6], [-7, -6, -1, 0, 5, 7]), consts: [i32('d', [6], [2, -4, 3, -3, -2, 3])], nodes: [{ name: 'q', op: 'FloorDiv', input: ['x', 'd'] }, { name: 'r', op: 'FloorMod', input: ['x', 'd'] }, { name: 'y', op: 'Pack', input: ['q', 'r'], attr: { axis: { i: '0' } } }] },
  { name: 'FloorDiv and FloorMod on integral floats', input: f32('x', [4], [-7, -1, 3, 7]), consts: [f32('d', [4], [2, 3, -2, 4])], nodes: [{ name: 'q', op: 'FloorDiv', input: ['x', 'd'] }, { name: 'r', op: 'FloorMod', input: ['x', 'd'] }, { name: 'y', op: 'ConcatV2', input: ['q', 'r', 'axis'] }] },
  // tfjs-backend-cpu truncates fractional FloorMod operands; TF (like Python) gives x - floor(x / d) * d.
  { name: 'FloorMod on fractional floats (TF semantics)', input: f32('x', [4], [-7.5, -1, 2.5, 7]), consts: [f32('d', [4], [2, 3, -2, 2.5])], nodes: [{ name: 'y', op: 'FloorMod', input: ['x', 'd'] }], expected: [0.5, 2, -1.5, 2] },
  { name: 'Conv2D SAME, stride 2, odd size', input: img(7, 5, 3), consts: [f32('w', [3, 3, 3, 4], seq(108, (i) => Math.cos(i)))], nodes: [conv('Conv2D')] },
  { name: '_FusedConv2D BiasAdd+Relu6, VALID', input: img(6, 6, 2), consts: [f32('w', [2, 2, 2, 3], seq(24, (i) => Math.sin(i) * 2)), f32('b', [3], [0.5, -1, 2])], nodes: [{ ...conv('_FusedConv2D', { padding: { s: b64('VALID') }, fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu6')] } }, num_args: { i: '1' } }), input: ['x', 'w', 'b'] }] },
  { name: 'DepthwiseConv2dNative, channel multiplier 2', input: img(5, 6, 3), consts: [f32('w', [3, 3, 3, 2], seq(54, (i) => Math.cos(i * 1.3)))], nodes: [conv('DepthwiseConv2dNative')] },
  { name: 'MaxPool 3x3 SAME stride 2 and Mean keep_dims', input: img(7, 6, 2), consts: [i32('axes', [2], [1, 2])], nodes: [{ name: 'p', op: 'MaxPool', input: ['x'], attr: { ksize: ints(1, 3, 3, 1), strides: ints(1, 2, 2, 1), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') } } }, { name: 'y', op: 'Mean', input: ['p', 'axes'], attr: { keep_dims: { b: true } } }] },
  { name: 'ResizeBilinear asymmetric (TF default)', input: img(3, 4, 2), consts: [i32('size', [2], [7, 9])], nodes: [{ name: 'y', op: 'ResizeBilinear', input: ['x', 'size'], attr: { align_corners: { b: false }, half_pixel_centers: { b: false } } }] },
  { name: 'ResizeBilinear half-pixel', input: img(3, 4, 2), consts: [i32('size', [2], [6, 5])], nodes: [{ name: 'y', op: 'ResizeBilinear', input: ['x', 'size'], attr: { align_corners: { b: false }, half_pixel_centers: { b: true } } }] },
  { name: 'ResizeBilinear align-corners', input: img(3, 4, 2), consts: [i32('size', [2], [5, 7])], nodes: [{ name: 'y', op: 'ResizeBilinear', input: ['x', 'size'], attr: { align_corners: { b: true }, half_pixel_centers: { b: false } } }] },
  { name: 'StridedSlice masks, shrink and negative stride', input: img(4, 5, 3), consts: [i32('b', [4], [0, 1, -1, 2]), i32('e', [4], [1, 3, 0, 3]), i32('s', [4], [1, 1, -2, 1])], nodes: [{ name: 'y', op: 'StridedSlice', input: ['x', 'b', 'e', 's'], attr: { begin_mask: { i: '1' }, end_mask: { i: '4' }, shrink_axis_mask: { i: '8' }, ellipsis_mask: { i: '0' }, new_axis_mask: { i: '0' } } }],
    // x[0:1, 1:3, -1::-2, 2] (numpy/TF): y[0, j, k] = x[0, 1 + j, 4 - 2k, 2]; tfjs-backend-cpu gets negative strides with masks wrong.
    expected: seq(6, (i) => img(4, 5, 3).data[((1 + Math.floor(i / 3)) * 5 + (4 - 2 * (i % 3))) * 3 + 2]!) },
  { name: 'TopKV2 values and indices, Reshape, Transpose', input: f32('x', [2, 6], [5, 1, 9, 3, 7, 2, 0, 8, 4, 6, 1, 3]), consts: [i32('k', [], [3]), i32('shape', [2], [3, 2]), i32('perm', [2], [1, 0])], nodes: [{ name: 't', op: 'TopKV2', input: ['x', 'k'], attr: { sorted: { b: true } } }, { name: 'c', op: 'Cast', input: ['t:1'], attr: { DstT: { type: 'DT_FLOAT' }, SrcT: { type: 'DT_INT32' } } }, { name: 'v', op: 'ConcatV2', input: ['t', 'c', 'ax1'] }, { name: 'r', op: 'Reshape', input: ['v', 'shape4'] }, { name: 'y', op: 'Transpose', input: ['r', 'perm'] }] },
  { name: 'Pad, SquaredDifference, Rsqrt, Unpack', input: f32('x', [2, 3], [1, 2, 3, 4, 5, 6]), consts: [i32('pads', [2, 2], [1, 0, 0, 2]), f32('m', [], [2.5])], nodes: [{ name: 'p', op: 'Pad', input: ['x', 'pads'] }, { name: 'd', op: 'SquaredDifference', input: ['p', 'm'] }, { name: 'r', op: 'Rsqrt', input: ['d'] }, { name: 'u', op: 'Unpack', input: ['r'], attr: { num: { i: '3' }, axis: { i: '0' } } }, { name: 'y', op: 'AddV2', input: ['u:1', 'u:2'] }] },
  // A plain LeakyRelu node keeps its slope in `alpha` (NanoDet: 0.1), not `leakyrelu_alpha`.
  { name: 'LeakyRelu alpha 0.1 and SplitV', input: f32('x', [2, 5], seq(10, (i) => i - 5.5)), consts: [i32('sizes', [2], [2, 3]), i32('dim', [], [1]), i32('cat', [], [1])], nodes: [{ name: 'l', op: 'LeakyRelu', input: ['x'], attr: { alpha: { f: 0.1 } } }, { name: 's', op: 'SplitV', input: ['l', 'sizes', 'dim'], attr: { num_split: { i: '2' } } }, { name: 'y', op: 'ConcatV2', input: ['s:1', 's', 'cat'] }] },
  // SparseToDense of constants is folded; TF: dense [4] filled with 1, indices 0 and 2 set to 7 and 9.
  { name: 'SparseToDense of constants', input: i32('x', [4], [1, 2, 3, 4]), consts: [i32('idx', [2, 1], [0, 2]), i32('shape', [1], [4]), i32('vals', [2], [7, 9]), i32('fill', [], [1])], nodes: [{ name: 'd', op: 'SparseToDense', input: ['idx', 'shape', 'vals', 'fill'], attr: { validate_indices: { b: true } } }, { name: 'y', op: 'AddV2', input: ['x', 'd'] }], expected: [8, 3, 12, 5] },
];
// Shared constants some cases reference.
const extraConsts: Record<string, Value[]> = {
  'FloorDiv and FloorMod on integral floats': [i32('axis', [], [0])],
  'TopKV2 values and indices, Reshape, Transpose': [i32('ax1', [], [1]), i32('shape4', [2], [6, 2])],
};

function writeModel(c: OpCase): string {
  const consts = [...(c.consts ?? []), ...(extraConsts[c.name] ?? [])];
  const nodes: TfNode[] = [
    { name: c.input.name, op: 'Placeholder', attr: { dtype: { type: dt(c.input.dtype) }, shape: { shape: { dim: c.input.shape.map((s) => ({ size: String(s) })) } } } },
    ...consts.map((v) => ({ name: v.name, op: 'Const', attr: { dtype: { type: dt(v.dtype) }, value: { tensor: { dtype: dt(v.dtype), tensorShape: { dim: v.shape.map((s) => ({ size: String(s) })) } } } } }) as TfNode),
    ...c.nodes,
  ];
  const bin = Buffer.concat(consts.map((v) => Buffer.from((v.dtype === 'float32' ? Float32Array.from(v.data) : Int32Array.from(v.data)).buffer)));
  const folder = mkdtempSync(join(dir, 'm-'));
  writeFileSync(join(folder, 'w.bin'), bin);
  writeFileSync(join(folder, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: nodes, library: {}, versions: {} }, weightsManifest: [{ paths: ['w.bin'], weights: consts.map((v) => ({ name: v.name, shape: v.shape, dtype: v.dtype })) }] }));
  return join(folder, 'model.json');
}

test('converted ops match tfjs semantics', async (t) => {
  await tf.setBackend('cpu');
  for (const c of cases) {
    await t.test(c.name, async () => {
      const path = writeModel(c);
      const converted = convertTfjsToOnnx(readTfjsGraphModel(path), { outputs: ['y'] });
      const session = await onnxRuntimeCpu.createSession(converted.onnx, { threads: 1 });
      const data = c.input.dtype === 'float32' ? Float32Array.from(c.input.data) : Int32Array.from(c.input.data);
      const ort = (await session.run({ x: { type: c.input.dtype, dims: c.input.shape, data } }))['y']!;
      await session.release();

      const json = JSON.parse((await import('node:fs')).readFileSync(path, 'utf8'));
      const weightData = (await import('node:fs')).readFileSync(path.replace('model.json', 'w.bin'));
      const model = await loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer }));
      const got = Array.from(ort.data as ArrayLike<number>, Number);
      if (c.expected) {
        assert.equal(got.length, c.expected.length, 'output size');
        got.forEach((v, i) => assert.ok(Math.abs(v - c.expected![i]!) <= 1e-5 * Math.max(1, Math.abs(c.expected![i]!)), `element ${i}: onnx ${v}, TF semantics ${c.expected![i]}`));
        return;
      }
      const x = tf.tensor(data, c.input.shape, c.input.dtype);
      const ref = model.execute(x, 'y') as tf.Tensor;
      const expected = Array.from(await ref.data());
      tf.dispose([x, ref]);

      assert.deepEqual([...ort.dims], ref.shape, 'output shape');
      got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-4 * Math.max(1, Math.abs(expected[i]!)), `element ${i}: onnx ${v}, tfjs ${expected[i]}`));
    });
  }
});
