// Typed facade over the addon's graph executor: load an ExecutionPlan on the CUDA device or
// on the CPU emulation of the CUDA kernels, run it, time its kernel variants.
import { loadAddon } from '../addon.ts';
import type { ExecutionPlan } from './plan-types.ts';

export type GraphDevice = 'cuda' | 'emulated';

/** The graph part of the addon's flat API (cpp/graph_addon.cc). */
interface GraphBinding {
  graphCreate(plan: EncodedPlan, device: 1 | 2): object;
  graphRun(handle: object, inputs: Float32Array[], outputs: (Float32Array | Int32Array)[], async: boolean): Promise<void> | undefined;
  graphTune(handle: object, repeats: number): Float64Array;
  graphDescribe(handle: object): string;
  cudaDeviceCount(): number;
}

interface EncodedPlan {
  fp16: boolean;
  arenaBytes: number;
  tensors: Float64Array;
  ops: { code: number; name: string; inputs: Int32Array; outputs: Int32Array; ints: Float64Array; floats: Float32Array; variant: number }[];
  consts: (Float32Array | Int32Array)[];
  inputs: Int32Array;
  outputs: Int32Array;
}

/**
 * Conv variants in cpp/graph_plan.h, by index: the simple kernel with 1, 4 or 8 output
 * channels per work item, the shared-memory tiled implicit GEMM, and that tile with FP16
 * tensor-core products (FP16 plans). A variant that does not apply to a conv runs variant 0.
 */
export const CONV_VARIANTS = ['simple-c1', 'simple-c4', 'simple-c8', 'tiled', 'tiled-mma'] as const;

export interface GraphSession {
  readonly plan: ExecutionPlan;
  readonly device: GraphDevice;
  /** What runs it (GPU name or "emulated"), precision. */
  describe(): string;
  /** Runs the plan; inputs in plan order (float32, NHWC as the model declares). */
  run(inputs: readonly Float32Array[]): Promise<(Float32Array | Int32Array)[]>;
  runSync(inputs: readonly Float32Array[]): (Float32Array | Int32Array)[];
  /** Milliseconds per (op, conv variant), -1 where an op has no variants or the variant does not apply. */
  timeVariants(repeats?: number): Float64Array;
}

function binding(): GraphBinding {
  const load = loadAddon();
  if (!load.ok) throw load.error;
  const addon = load.addon as unknown as Partial<GraphBinding>;
  if (typeof addon.graphCreate !== 'function') {
    throw new Error(`@sightline/native: ${load.path} has no graph executor (built from older sources); rebuild it with \`node native/scripts/build.mjs\``);
  }
  return addon as GraphBinding;
}

/** True when the addon can run graphs on a CUDA device here. */
export function cudaGraphAvailable(): { ok: boolean; reason: string } {
  try {
    const b = binding();
    const load = loadAddon();
    if (load.ok && !load.addon.cudaCompiled) return { ok: false, reason: 'addon built without CUDA (nvcc not found at build time)' };
    const n = b.cudaDeviceCount();
    return n > 0 ? { ok: true, reason: `${n} CUDA device(s)` } : { ok: false, reason: 'no CUDA device present (cudaGetDeviceCount() is 0)' };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

function encode(plan: ExecutionPlan, variants: readonly number[] | undefined): EncodedPlan {
  const tensors = new Float64Array(plan.tensors.length * 4);
  plan.tensors.forEach((t, i) => tensors.set([t.kind, t.region, t.offset, t.dims.reduce((a, b) => a * b, 1)], i * 4));
  return {
    fp16: plan.precision === 'fp16',
    arenaBytes: plan.arenaBytes,
    tensors,
    ops: plan.ops.map((op, i) => ({
      code: op.code,
      name: op.name,
      inputs: Int32Array.from(op.inputs),
      outputs: Int32Array.from(op.outputs),
      ints: Float64Array.from(op.ints),
      floats: Float32Array.from(op.floats),
      variant: variants?.[i] ?? 0,
    })),
    consts: plan.consts.map((c) => c.data),
    inputs: Int32Array.from(plan.inputs.map((i) => i.tensor)),
    outputs: Int32Array.from(plan.outputs.map((o) => o.tensor)),
  };
}

/**
 * Loads a plan on a device. `variants` gives each op's kernel variant (see graph-autotune.ts).
 * @example const session = loadGraph(planGraph(onnxBytes), 'emulated'); const [dets] = await session.run([image]);
 */
export function loadGraph(plan: ExecutionPlan, device: GraphDevice, variants?: readonly number[]): GraphSession {
  const b = binding();
  const handle = b.graphCreate(encode(plan, variants), device === 'cuda' ? 1 : 2);
  let queue: Promise<unknown> = Promise.resolve();
  const allocate = (): (Float32Array | Int32Array)[] =>
    plan.outputs.map((o) => {
      const n = o.dims.reduce((a, c) => a * c, 1);
      return o.kind === 0 ? new Float32Array(n) : new Int32Array(n);
    });
  return {
    plan,
    device,
    describe: () => b.graphDescribe(handle),
    runSync(inputs) {
      const outs = allocate();
      b.graphRun(handle, [...inputs], outs, false);
      return outs;
    },
    run(inputs) {
      // One arena per session: runs are queued, never concurrent.
      const job = queue.then(async () => {
        const outs = allocate();
        await b.graphRun(handle, [...inputs], outs, true);
        return outs;
      });
      queue = job.catch(() => undefined);
      return job;
    },
    timeVariants: (repeats = 3) => b.graphTune(handle, repeats),
  };
}
