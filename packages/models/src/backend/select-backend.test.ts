import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cudaGraphAvailable } from '@sightline/native';
import { ensureOnnxModel } from '../registry/model-cache.ts';
import { backendChoice, createModelSession, loadedModelBackends } from './select-backend.ts';

const gpu = cudaGraphAvailable().ok;

test('the setting for one model wins over the setting for all, and a wrong value names its key', () => {
  assert.equal(backendChoice('centernet', {}), 'auto');
  assert.equal(backendChoice('centernet', { SIGHTLINE_BACKEND: 'onnxruntime' }), 'onnxruntime');
  assert.equal(backendChoice('age-gender', { SIGHTLINE_BACKEND: 'cuda', SIGHTLINE_BACKEND_AGE_GENDER: 'onnxruntime' }), 'onnxruntime');
  assert.throws(() => backendChoice('blazeface', { SIGHTLINE_BACKEND_BLAZEFACE: 'tpu' }), /SIGHTLINE_BACKEND_BLAZEFACE must be one of auto, onnxruntime, native, cuda, got "tpu"/);
});

test('auto runs on onnxruntime without a CUDA device, and says why', { skip: gpu && 'a CUDA device is present' }, async () => {
  const { session, backend } = await createModelSession('emotion', await ensureOnnxModel('emotion'), { choice: 'auto', threads: 1 });
  try {
    assert.equal(backend.backend, 'onnxruntime-cpu');
    assert.match(backend.reason, /fastest CPU path \(.*(no CUDA device|without CUDA|driver).*\)/);
  } finally {
    await session.release();
  }
});

test('cuda asked for without a device falls back to onnxruntime with one logged reason', { skip: gpu && 'a CUDA device is present' }, async () => {
  const logged: string[] = [];
  const { session, backend } = await createModelSession('emotion', await ensureOnnxModel('emotion'), { choice: 'cuda', threads: 1, log: (m) => logged.push(m) });
  try {
    assert.equal(backend.backend, 'onnxruntime-cpu');
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /^emotion: cuda asked for, but .*; fell back to onnxruntime$/);
  } finally {
    await session.release();
  }
});

test('a model with an operator the native planner lacks (BlazeFace\'s Pad) falls back; one that plans runs natively', async () => {
  const logged: string[] = [];
  const face = await createModelSession('blazeface', await ensureOnnxModel('blazeface'), { choice: 'native', threads: 1, log: (m) => logged.push(m) });
  assert.equal(face.backend.backend, 'onnxruntime-cpu');
  assert.match(logged.join('\n'), /blazeface: the native engine cannot plan blazeface \(op Pad .*not supported.*\); fell back to onnxruntime/);
  await face.session.release();

  const emotion = await createModelSession('emotion', await ensureOnnxModel('emotion'), { choice: 'native' });
  assert.match(emotion.backend.backend, /^native-cuda/);
  // The native engine answers with the same outputs as onnxruntime.
  const input = new Float32Array(64 * 64).map((_, i) => (i % 97) / 97);
  const cpu = await createModelSession('emotion-reference', await ensureOnnxModel('emotion'), { choice: 'onnxruntime', threads: 1 });
  const feeds = { [cpu.session.inputNames[0]!]: { type: 'float32' as const, dims: [1, 64, 64, 1], data: input } };
  const [a, b] = await Promise.all([emotion.session.run(feeds), cpu.session.run(feeds)]);
  const name = cpu.session.outputNames[0]!;
  const x = a[name]!.data as Float32Array;
  const y = b[name]!.data as Float32Array;
  assert.equal(x.length, y.length);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) < 1e-4, `output ${i}: ${x[i]} vs ${y[i]}`);
  await cpu.session.release();

  const loaded = new Map(loadedModelBackends().map((m) => [m.model, m]));
  assert.equal(loaded.get('blazeface')?.backend, 'onnxruntime-cpu');
  assert.equal(loaded.get('emotion')?.choice, 'native');
});
