// Runs N frames through one batched plan of the backbone and heads, then the decode tail once
// per frame on that frame's slice of the cut values (see batch-split.ts). Fewer than N frames
// are padded with zeros; only the real frames go through the tail.
import { cutGraph, findBatchCut } from './batch-split.ts';
import { loadGraph, type GraphDevice, type GraphSession } from './graph-engine.ts';
import type { ModelGraph } from './graph-types.ts';
import { decodeOnnx } from './onnx-decode.ts';
import { planGraph } from './plan-graph.ts';
import type { Precision } from './plan-types.ts';

export interface BatchedGraphOptions {
  batch: number;
  precision?: Precision;
  device: GraphDevice;
  /** Loads a plan (default loadGraph; pass an autotuned loader on a GPU). */
  load?: (plan: ReturnType<typeof planGraph>, device: GraphDevice) => GraphSession;
}

export interface BatchedGraph {
  readonly batch: number;
  /** Values handed from the batched body to the per-frame tail (empty: no tail). */
  readonly cut: readonly string[];
  readonly body: GraphSession;
  readonly tail: GraphSession | undefined;
  /** Runs up to `batch` frames (each the model's single input for one frame); outputs per frame. */
  run(frames: readonly Float32Array[]): Promise<(Float32Array | Int32Array)[][]>;
}

/**
 * Plans a model for batched runs with a per-frame decode tail.
 * @example const g = loadBatched(onnxBytes, { batch: 8, device: 'cuda', precision: 'fp16' }); const perFrame = await g.run(frames);
 */
export function loadBatched(model: Uint8Array | ModelGraph, options: BatchedGraphOptions): BatchedGraph {
  const graph = model instanceof Uint8Array ? decodeOnnx(model) : model;
  if (graph.inputs.length !== 1) throw new Error(`batched runs need a model with one input, not ${graph.inputs.length}`);
  const load = options.load ?? loadGraph;
  const precision = options.precision ?? 'fp32';
  const batch = options.batch;
  const inputName = graph.inputs[0]!.name;
  const cut = findBatchCut(graph);
  const computed = cut.filter((v) => v !== inputName);
  const body = load(planGraph(graph, { precision, batch, ...(cut.length > 0 ? { outputs: computed } : {}) }), options.device);
  const tail = cut.length > 0 ? load(planGraph(cutGraph(graph, cut), { precision }), options.device) : undefined;
  const frameLen = body.plan.inputs[0]!.dims.reduce((a, b) => a * b, 1) / batch;
  return {
    batch,
    cut,
    body,
    tail,
    async run(frames) {
      if (frames.length === 0 || frames.length > batch) throw new Error(`batched graph: ${frames.length} frames for a batch of ${batch}`);
      const input = new Float32Array(frameLen * batch);
      frames.forEach((f, i) => {
        if (f.length !== frameLen) throw new Error(`batched graph: frame ${i} has ${f.length} values, expected ${frameLen}`);
        input.set(f, i * frameLen);
      });
      const outs = await body.run([input]);
      if (!tail) return frames.map((_, i) => outs.map((o) => o.slice((o.length / batch) * i, (o.length / batch) * (i + 1))));
      const byName = new Map<string, Float32Array | Int32Array>(body.plan.outputs.map((o, j) => [o.name, outs[j]!]));
      byName.set(inputName, input);
      const results: (Float32Array | Int32Array)[][] = [];
      for (let i = 0; i < frames.length; i++) {
        const feeds = tail.plan.inputs.map((t) => {
          const all = byName.get(t.name)!;
          const per = all.length / batch;
          return Float32Array.from(all.subarray(per * i, per * (i + 1)));
        });
        results.push(await tail.run(feeds));
      }
      return results;
    },
  };
}
