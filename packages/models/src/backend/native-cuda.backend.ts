// The native graph engine as an inference backend: the ONNX model is planned once (fusion,
// folding, memory plan) and run by @sightline/native's CUDA executor when a GPU is present,
// with conv variants autotuned at load and cached. Without a GPU the same kernels run in
// their CPU emulation (slow; meant for checks, not for serving).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cudaGraphAvailable, loadGraph, loadTuned, planGraph, type GraphSession, type Precision } from '@sightline/native';
import type { Backend, InferenceSession, ModelTensor, SessionOptions } from './backend.ts';
import { modelCacheDir } from '../registry/model-cache.ts';

export interface NativeBackendOptions {
  precision?: Precision;
  batch?: number;
  /** Force the CPU emulation even when a GPU is present (tests). */
  emulate?: boolean;
}

class NativeSession implements InferenceSession {
  /** Plans for a run that fetches fewer outputs (e.g. a detector's boxes without its feature map) or feeds another batch, by batch and output list. */
  private readonly subsets = new Map<string, GraphSession>();

  constructor(
    private readonly graph: GraphSession,
    /**
     * Plans the same model for only `outputs` (a run pays for what it fetches, not for every graph
     * output) and for a batch of `batch` frames (a model with a free batch dimension: one plan per
     * batch size met).
     */
    private readonly planFor: (outputs: readonly string[] | undefined, batch: number | undefined) => GraphSession,
  ) {}

  get inputNames(): readonly string[] {
    return this.graph.plan.inputs.map((i) => i.name);
  }

  get outputNames(): readonly string[] {
    return this.graph.plan.outputs.map((o) => o.name);
  }

  async run(feeds: Readonly<Record<string, ModelTensor>>, outputs?: readonly string[]): Promise<Record<string, ModelTensor>> {
    // A feed whose leading dim differs from the plan's batch runs a plan of that batch (the
    // planner refuses a graph whose frames mix, so only batch-correct graphs get there).
    const first = this.graph.plan.inputs[0];
    const fedBatch = first ? feeds[first.name]?.dims[0] : undefined;
    const batch = fedBatch !== undefined && fedBatch !== this.graph.plan.batch ? fedBatch : undefined;
    const all = this.graph.plan.outputs.map((o) => o.name);
    const wanted = outputs ? all.filter((n) => outputs.includes(n)) : all;
    let graph = this.graph;
    const fewer = wanted.length < all.length && wanted.length > 0;
    if (fewer || batch !== undefined) {
      const key = `${batch ?? ''}\n${fewer ? wanted.join('\n') : ''}`;
      graph = this.subsets.get(key) ?? this.subsets.set(key, this.planFor(fewer ? wanted : undefined, batch)).get(key)!;
    }
    const inputs = graph.plan.inputs.map((i) => {
      const t = feeds[i.name];
      if (!t) throw new Error(`native backend: missing input ${i.name} (inputs: ${this.inputNames.join(', ')})`);
      const want = i.dims.reduce((a, b) => a * b, 1);
      if (t.data.length !== want) throw new Error(`native backend: input ${i.name} has ${t.data.length} values, the plan expects [${i.dims.join(', ')}]`);
      return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>, Number);
    });
    const values = await graph.run(inputs);
    const result: Record<string, ModelTensor> = {};
    graph.plan.outputs.forEach((o, j) => {
      if (outputs && !outputs.includes(o.name)) return;
      const data = values[j]!;
      result[o.name] = { type: data instanceof Float32Array ? 'float32' : 'int32', dims: o.dims, data };
    });
    return result;
  }

  async release(): Promise<void> {
    // The executor's memory is freed when the session is garbage-collected.
  }
}

/**
 * A Backend running models on @sightline/native's graph engine (CUDA when a GPU is present).
 * @example const session = await nativeCuda({ precision: 'fp16' }).createSession(await ensureOnnxModel('centernet'));
 */
export function nativeCuda(options: NativeBackendOptions = {}): Backend {
  const gpu = cudaGraphAvailable();
  const device = gpu.ok && !options.emulate ? 'cuda' : 'emulated';
  return {
    name: device === 'cuda' ? 'native-cuda' : 'native-cuda-emulated',
    async createSession(model: string | Uint8Array, _options?: SessionOptions): Promise<InferenceSession> {
      const bytes = typeof model === 'string' ? readFileSync(model) : model;
      const load = (outputs?: readonly string[], batch = options.batch): GraphSession => {
        const plan = planGraph(bytes, { precision: options.precision ?? 'fp32', ...(batch ? { batch } : {}), ...(outputs ? { outputs: [...outputs] } : {}) });
        return device === 'cuda' ? loadTuned(plan, device, join(modelCacheDir(), 'native-autotune.json')).session : loadGraph(plan, device);
      };
      return new NativeSession(load(), load);
    },
  };
}
