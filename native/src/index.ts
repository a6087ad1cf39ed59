// @sightline/native: frame -> tensor, ROI-align and NMS behind one interface, on the fastest
// backend this machine has: CUDA (GPU present and the addon built with nvcc), C++ (addon
// built), else the TypeScript reference. SIGHTLINE_NATIVE=ts|cpp|cuda forces one.
import { loadAddon } from './addon.ts';
import type { BackendInfo, BackendName, NativeEngine } from './engine.ts';
import { createNativeEngine } from './native-engine.ts';
import { createTsEngine } from './ts-engine.ts';

export type * from './engine.ts';
export { addonPath } from './addon.ts';
export { frameGeometry, tensorToImageXyxy } from './plan.ts';

const BACKENDS: readonly BackendName[] = ['cuda', 'cpp', 'ts'];
let warned = false;

/** Every backend with whether it can run on this machine and why not. */
export function getBackends(): BackendInfo[] {
  const load = loadAddon();
  const cpp: BackendInfo = load.ok
    ? { name: 'cpp', available: true, detail: `${load.path} (${load.addon.threads()} threads)` }
    : { name: 'cpp', available: false, detail: load.error.message.replace(/^@sightline\/native: /, '') };
  let cuda: BackendInfo;
  if (!load.ok) cuda = { name: 'cuda', available: false, detail: 'needs the native addon (see cpp)' };
  else if (!load.addon.cudaCompiled) {
    cuda = { name: 'cuda', available: false, detail: 'addon built without CUDA (nvcc not found at build time); install the CUDA toolkit and run `npm rebuild @sightline/native`' };
  } else {
    const devices = load.addon.cudaDeviceCount();
    cuda = { name: 'cuda', available: devices > 0, detail: load.addon.cudaDescribe() };
  }
  return [cuda, cpp, { name: 'ts', available: true, detail: 'TypeScript reference implementation' }];
}

function isBackendName(value: string): value is BackendName {
  return (BACKENDS as readonly string[]).includes(value);
}

/**
 * An engine for `backend`, or for SIGHTLINE_NATIVE, or the best available one. A backend asked
 * for by name that cannot run throws with the reason; the automatic choice falls back, with a
 * one-time warning when the addon failed to load.
 */
export function loadEngine(backend: BackendName | 'auto' = readEnvChoice()): NativeEngine {
  if (backend === 'ts') return createTsEngine();
  if (!isBackendName(backend) && backend !== 'auto') throw new Error(`@sightline/native: unknown backend '${String(backend)}' (ts, cpp, cuda or auto)`);
  const info = getBackends();
  if (backend === 'auto') {
    const best = info.find((b) => b.available)!;
    const load = loadAddon();
    if (best.name === 'ts' && !load.ok && !warned) {
      warned = true;
      process.emitWarning(`${load.error.message} Using the TypeScript backend meanwhile (set SIGHTLINE_NATIVE=ts to choose it explicitly).`, 'SightlineNativeWarning');
    }
    return loadEngine(best.name);
  }
  const chosen = info.find((b) => b.name === backend);
  if (!chosen?.available) throw new Error(`@sightline/native: backend '${backend}' is not available: ${chosen?.detail ?? 'unknown backend'}`);
  const load = loadAddon();
  if (!load.ok) throw load.error;
  return createNativeEngine(load.addon, backend);
}

function readEnvChoice(): BackendName | 'auto' {
  const value = (process.env.SIGHTLINE_NATIVE ?? 'auto').trim().toLowerCase();
  if (value === '' || value === 'auto') return 'auto';
  if (isBackendName(value)) return value;
  throw new Error(`@sightline/native: SIGHTLINE_NATIVE must be one of ts, cpp, cuda or auto, got '${value}'`);
}

let defaultEngine: NativeEngine | undefined;

/** The process-wide engine (see loadEngine), created on first use. */
export function getEngine(): NativeEngine {
  defaultEngine ??= loadEngine();
  return defaultEngine;
}

/** CUDA devices usable by this process: 0 without a GPU, a driver or a CUDA build of the addon. */
export function cudaDeviceCount(): number {
  const load = loadAddon();
  return load.ok ? load.addon.cudaDeviceCount() : 0;
}

/** The error that kept the native addon from loading, if any (for logs and health checks). */
export function nativeLoadError(): Error | undefined {
  const load = loadAddon();
  return load.ok ? undefined : load.error;
}

// Graph engine: ONNX plan -> CUDA executor (or its CPU emulation).
export { planGraph, type PlanOptions } from './graph/plan-graph.ts';
export { loadGraph, cudaGraphAvailable, CONV_VARIANTS, type GraphDevice, type GraphSession } from './graph/graph-engine.ts';
export { loadTuned } from './graph/graph-autotune.ts';
export { findBatchCut, cutGraph } from './graph/batch-split.ts';
export { loadBatched, type BatchedGraph, type BatchedGraphOptions } from './graph/batched-graph.ts';
export { BatchScheduler, type BatchSchedulerOptions, type BatchStats } from './graph/batch-scheduler.ts';
export { matchDetections, detectionParity, DETECTION_TOLERANCE, type DetectionMatch } from './graph/detection-match.ts';
export type { ExecutionPlan, Precision, PlanStats } from './graph/plan-types.ts';

// Training of attribute heads (layer kernels forward/backward, networks, optimisers).
export { loadTrainOps, createReferenceTrainOps, HeadNetwork, createOptimizer, seededRandom, shuffleInPlace } from './training/index.ts';
export type { TrainOps, HeadArchitecture, HeadInput, Optimizer, OptimizerSettings, Layer, Param } from './training/index.ts';
export { decodeOnnx } from './graph/onnx-decode.ts';
export { addGraphOutput, ProtoReader, ProtoWriter, ONNX_TYPE_CODE, onnxDataType, type OnnxDataType } from './graph/onnx-protobuf.ts';
export type { ModelGraph, GraphNode, GraphTensor, GraphValueInfo } from './graph/graph-types.ts';
