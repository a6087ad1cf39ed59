// Runs a TFJS graph model in tfjs (wasm backend, else cpu) as the reference for parity tests.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { packageDir } from '../registry/model-cache.ts';

let ready: Promise<string> | undefined;

/** Selects tfjs-backend-wasm (SIMD, single thread in Node), falling back to the cpu backend. */
export function initTfjs(): Promise<string> {
  ready ??= (async () => {
    setWasmPaths(`${join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist')}/`);
    try {
      if (await tf.setBackend('wasm')) return 'wasm';
    } catch {
      // The cpu backend below is slower but computes the same graph.
    }
    await tf.setBackend('cpu');
    return 'cpu';
  })();
  return ready;
}

/** Loads model.json and its shards from disk into a tfjs GraphModel. */
export async function loadTfjsGraphModel(modelJsonPath: string): Promise<GraphModel> {
  await initTfjs();
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]; signature?: object; format?: string; generatedBy?: string; convertedBy?: string };
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p))));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData, ...(json.signature ? { signature: json.signature } : {}), format: json.format ?? 'graph-model', generatedBy: json.generatedBy ?? '', convertedBy: json.convertedBy ?? null }));
}

/** Runs the model on one NHWC float input; returns the named outputs as flat arrays. */
export async function runTfjs(model: GraphModel, input: Float32Array, shape: readonly number[], outputs: readonly string[]): Promise<Float32Array[]> {
  const x = tf.tensor(input, [...shape], 'float32');
  try {
    const result = model.execute(x, [...outputs]);
    const list = Array.isArray(result) ? result : [result];
    const arrays = await Promise.all(list.map(async (t) => Float32Array.from((await t.data()) as Float32Array)));
    tf.dispose(list);
    return arrays;
  } finally {
    x.dispose();
  }
}
