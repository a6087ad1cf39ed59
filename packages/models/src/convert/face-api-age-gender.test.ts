// The AgeGenderNet graph rebuilt from face-api's weights, converted and run in onnxruntime,
// against face-api's forward pass written with tfjs ops (as in face-api's TinyXception.ts and
// AgeGenderNet.ts) over the same dequantised weights, on a real face crop.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImageRgb } from '@sightline/media';
import { onnxRuntimeCpu } from '../backend/onnxruntime-cpu.backend.ts';
import { packageDir } from '../registry/model-cache.ts';
import { buildFaceApiAgeGender } from './face-api-age-gender.ts';
import { initTfjs } from './tfjs-reference.fixture.ts';
import { convertTfjsToOnnx } from './tfjs-to-onnx.ts';

test("rebuilt AgeGenderNet matches face-api's forward pass", async (t) => {
  t.diagnostic(`tfjs backend: ${await initTfjs()}`);
  const model = buildFaceApiAgeGender(join(packageDir('@vladmandic/face-api'), 'model', 'age_gender_model-weights_manifest.json'));
  const W = (name: string): tf.Tensor => {
    const w = model.weights.get(name)!;
    return tf.tensor(w.data as Float32Array, w.shape, 'float32');
  };
  // Two real faces from samples.jpg (the blonde woman and the man at the table), 112x112.
  const faces = await Promise.all([[200, 20, 56, 56], [425, 18, 50, 50]].map((crop) => decodeImageRgb(join(packageDir('@vladmandic/human'), 'assets', 'samples.jpg'), { crop: crop as [number, number, number, number], size: [112, 112] })));
  const input = new Float32Array(2 * 112 * 112 * 3);
  faces.forEach((f, i) => input.set(f.data, i * 112 * 112 * 3));

  const converted = convertTfjsToOnnx(model);
  const session = await onnxRuntimeCpu.createSession(converted.onnx, { threads: 2 });
  const out = await session.run({ input: { type: 'float32', dims: [2, 112, 112, 3], data: input } });
  await session.release();

  const [age, gender] = tf.tidy(() => {
    const sep = (x: tf.Tensor4D, p: string): tf.Tensor4D => tf.add(tf.separableConv2d(x, W(`${p}/depthwise_filter`) as tf.Tensor4D, W(`${p}/pointwise_filter`) as tf.Tensor4D, 1, 'same'), W(`${p}/bias`));
    const conv = (x: tf.Tensor4D, p: string, s: number): tf.Tensor4D => tf.add(tf.conv2d(x, W(`${p}/filters`) as tf.Tensor4D, s, 'same'), W(`${p}/bias`));
    const reduction = (x: tf.Tensor4D, p: string, act: boolean): tf.Tensor4D => {
      let o = sep(act ? tf.relu(x) : x, `${p}/separable_conv0`);
      o = sep(tf.relu(o), `${p}/separable_conv1`);
      return tf.add(tf.maxPool(o, 3, 2, 'same'), conv(x, `${p}/expansion_conv`, 2));
    };
    const main = (x: tf.Tensor4D, p: string): tf.Tensor4D => tf.add(sep(tf.relu(sep(tf.relu(sep(tf.relu(x), `${p}/separable_conv0`)), `${p}/separable_conv1`)), `${p}/separable_conv2`), x);
    const x0 = tf.div(tf.sub(tf.tensor(input, [2, 112, 112, 3]), tf.tensor1d([122.782, 117.001, 104.298])), 255) as tf.Tensor4D;
    let x = tf.relu(conv(x0, 'entry_flow/conv_in', 2));
    x = reduction(x, 'entry_flow/reduction_block_0', false);
    x = reduction(x, 'entry_flow/reduction_block_1', true);
    x = main(main(x, 'middle_flow/main_block_0'), 'middle_flow/main_block_1');
    x = reduction(x, 'exit_flow/reduction_block', true);
    x = tf.relu(sep(x, 'exit_flow/separable_conv'));
    const pooled = tf.reshape(tf.avgPool(x, [7, 7], [2, 2], 'valid'), [2, -1]) as tf.Tensor2D;
    return [tf.add(tf.matMul(pooled, W('fc/age/weights') as tf.Tensor2D), W('fc/age/bias')), tf.softmax(tf.add(tf.matMul(pooled, W('fc/gender/weights') as tf.Tensor2D), W('fc/gender/bias')))];
  });
  const refAge = Array.from((await age!.data()) as Float32Array);
  const refGender = Array.from((await gender!.data()) as Float32Array);
  tf.dispose([age, gender]);
  const gotAge = Array.from(out['age']!.data as Float32Array);
  const gotGender = Array.from(out['gender']!.data as Float32Array);
  t.diagnostic(`ages onnx ${gotAge.map((a) => a.toFixed(3))} tfjs ${refAge.map((a) => a.toFixed(3))}; P(male) onnx ${gotGender[0]!.toFixed(4)}, ${gotGender[2]!.toFixed(4)}`);
  gotAge.forEach((a, i) => assert.ok(Math.abs(a - refAge[i]!) < 1e-3, `age ${i}: ${a} vs ${refAge[i]}`));
  gotGender.forEach((g, i) => assert.ok(Math.abs(g - refGender[i]!) < 1e-4, `gender ${i}: ${g} vs ${refGender[i]}`));
  assert.ok(Math.abs(gotAge[0]! - gotAge[1]!) > 0.5, 'two different faces gave the same age: the input did not reach the network');
});
