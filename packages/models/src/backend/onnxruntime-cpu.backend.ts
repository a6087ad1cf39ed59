// The reference backend: onnxruntime-node's CPU execution provider.
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Backend, InferenceSession, ModelTensor, SessionOptions, TensorType } from './backend.ts';

function defaultThreads(): number {
  const env = Number(process.env.SIGHTLINE_INFERENCE_THREADS);
  return Number.isInteger(env) && env > 0 ? env : availableParallelism();
}

function toOrt(t: ModelTensor): ort.Tensor {
  return new ort.Tensor(t.type, t.data, t.dims);
}

function fromOrt(t: ort.Tensor): ModelTensor {
  return { type: t.type as TensorType, dims: t.dims, data: t.data as ModelTensor['data'] };
}

class OrtSession implements InferenceSession {
  constructor(private readonly session: ort.InferenceSession) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Readonly<Record<string, ModelTensor>>, outputs?: readonly string[]): Promise<Record<string, ModelTensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(t);
    const result = outputs ? await this.session.run(ortFeeds, [...outputs]) : await this.session.run(ortFeeds);
    const out: Record<string, ModelTensor> = {};
    for (const [name, t] of Object.entries(result)) out[name] = fromOrt(t);
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * onnxruntime CPU backend (all graph optimisations on, sequential execution).
 * @example const session = await onnxRuntimeCpu.createSession(onnxPath, { threads: 2 });
 */
export const onnxRuntimeCpu: Backend = {
  name: 'onnxruntime-cpu',
  async createSession(model: string | Uint8Array, options: SessionOptions = {}): Promise<InferenceSession> {
    const settings: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: options.threads ?? defaultThreads(),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      // onnxruntime's worker threads spin on the CPU between runs by default. On small machines that
      // also decode video, serve HTTP and run other models, those spinning cores are stolen from the
      // rest of the pipeline, so spinning is off unless SIGHTLINE_ORT_SPINNING=1.
      extra: { session: { intra_op: { allow_spinning: process.env.SIGHTLINE_ORT_SPINNING === '1' ? '1' : '0' } } },
    };
    try {
      const session = typeof model === 'string' ? await ort.InferenceSession.create(model, settings) : await ort.InferenceSession.create(model, settings);
      return new OrtSession(session);
    } catch (err) {
      const what = typeof model === 'string' ? model : `${model.length} bytes of ONNX`;
      throw new Error(`onnxruntime could not load ${what}: ${(err as Error).message}. Delete the model cache folder to convert again if the file is damaged.`);
    }
  },
};
