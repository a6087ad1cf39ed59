// One place decides which engine runs each network: SIGHTLINE_BACKEND (auto | onnxruntime |
// native | cuda) for all, SIGHTLINE_BACKEND_<MODEL> (e.g. SIGHTLINE_BACKEND_BLAZEFACE) for one.
// `auto` takes the native CUDA engine when a device is present and the model plans on it, else
// onnxruntime on the CPU (the fastest CPU path measured here). A model that cannot run where it was
// asked to (no device, an operator the planner lacks) falls back to onnxruntime with one logged reason.
import { readFileSync } from 'node:fs';
import { cudaGraphAvailable, planGraph } from '@sightline/native';
import type { Backend, InferenceSession, SessionOptions } from './backend.ts';
import { nativeCuda } from './native-cuda.backend.ts';
import { onnxRuntimeCpu } from './onnxruntime-cpu.backend.ts';

export const BACKEND_CHOICES = ['auto', 'onnxruntime', 'native', 'cuda'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Which engine runs one model in this process, and why. */
export interface ModelBackend {
  readonly model: string;
  readonly backend: string;
  readonly choice: BackendChoice;
  readonly reason: string;
}

function envKey(model: string): string {
  return `SIGHTLINE_BACKEND_${model.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The choice for `model`: its own setting, else SIGHTLINE_BACKEND, else auto. Throws naming the
 * setting when the value is not one of the choices.
 * @example backendChoice('centernet', { SIGHTLINE_BACKEND: 'onnxruntime' }) // 'onnxruntime'
 */
export function backendChoice(model: string, env: NodeJS.ProcessEnv = process.env): BackendChoice {
  const key = env[envKey(model)] !== undefined ? envKey(model) : 'SIGHTLINE_BACKEND';
  const value = env[key] ?? 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(value)) throw new Error(`${key} must be one of ${BACKEND_CHOICES.join(', ')}, got "${value}"`);
  return value as BackendChoice;
}

const chosen = new Map<string, ModelBackend>();
const runs = new Map<string, number>();

/** Every model loaded in this process with the engine that runs it (for logs, /metrics, doctor). */
export function loadedModelBackends(): ModelBackend[] {
  return [...chosen.values()];
}

/** Network passes per model in this process so far (what a pipeline really costs: e.g. one detector pass per frame). */
export function modelRuns(): Record<string, number> {
  return Object.fromEntries(runs);
}

/** The session, its passes counted under the model's name. */
function counted(modelName: string, session: InferenceSession): InferenceSession {
  return {
    get inputNames() {
      return session.inputNames;
    },
    get outputNames() {
      return session.outputNames;
    },
    run(feeds, outputs) {
      runs.set(modelName, (runs.get(modelName) ?? 0) + 1);
      return session.run(feeds, outputs);
    },
    release: () => session.release(),
  };
}

/** Why the native engine cannot take this model (undefined: it plans). */
function planProblem(model: string | Uint8Array): string | undefined {
  try {
    planGraph(typeof model === 'string' ? readFileSync(model) : model, { precision: 'fp32' });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Whether a CUDA device can run the native engine, and why not (cudaGraphAvailable's answer). */
export type GpuProbe = () => { ok: boolean; reason: string };

export interface SelectOptions extends SessionOptions {
  /** Asks whether a CUDA device is present (default the native addon's cudaGraphAvailable; tests pass a fake one). */
  readonly gpu?: GpuProbe;
  /** Overrides the setting (tests, the CLI's --backend). */
  readonly choice?: BackendChoice;
  /** Overrides every choice with this backend (tests pass a stand-in). */
  readonly backend?: Backend;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (message: string) => void;
}

type Engine = 'onnxruntime-cpu' | 'native-cuda' | 'native-cuda-emulated';

function decide(modelName: string, model: string | Uint8Array, choice: BackendChoice, gpu: { ok: boolean; reason: string }): { engine: Engine; reason: string } {
  const cpu = { engine: 'onnxruntime-cpu' as const, reason: '' };
  if (choice === 'onnxruntime') return { ...cpu, reason: 'asked for' };
  if (choice === 'auto' && !gpu.ok) return { ...cpu, reason: `fastest CPU path (${gpu.reason})` };
  if (choice === 'cuda' && !gpu.ok) return { ...cpu, reason: `cuda asked for, but ${gpu.reason}; fell back to onnxruntime` };
  const problem = planProblem(model);
  if (problem) return { ...cpu, reason: `the native engine cannot plan ${modelName} (${problem}); fell back to onnxruntime` };
  if (choice === 'native' && !gpu.ok) return { engine: 'native-cuda-emulated', reason: 'native asked for; no CUDA device, so its CPU emulation runs (slow)' };
  return { engine: 'native-cuda', reason: gpu.reason };
}

/**
 * The engine the setting picks for a model, and why, before any session loads: what
 * createModelSession runs unless loading fails there (then onnxruntime). Scouter's batch policy
 * follows it (CUDA gathers frames of several cameras into one pass); `gpu` lets a test say a
 * device is present on a machine without one.
 * @example selectBackend('centernet', onnxBytes, { gpu: () => ({ ok: true, reason: 'a device' }) }).backend // 'native-cuda'
 */
export function selectBackend(modelName: string, model: string | Uint8Array, options: Pick<SelectOptions, 'choice' | 'env' | 'gpu'> = {}): { backend: Engine; reason: string } {
  const choice = options.choice ?? backendChoice(modelName, options.env);
  const { engine, reason } = decide(modelName, model, choice, choice === 'onnxruntime' ? { ok: false, reason: '' } : (options.gpu ?? cudaGraphAvailable)());
  return { backend: engine, reason };
}

/**
 * A session for one network on the engine its setting picks, recorded for reporting; a session the
 * native engine fails to build falls back to onnxruntime too.
 * @example const { session, backend } = await createModelSession('centernet', await ensureOnnxModel('centernet'));
 */
export async function createModelSession(modelName: string, model: string | Uint8Array, options: SelectOptions = {}): Promise<{ session: InferenceSession; backend: ModelBackend }> {
  const choice = options.choice ?? backendChoice(modelName, options.env);
  const sessionOptions: SessionOptions = options.threads ? { threads: options.threads } : {};
  if (options.backend) {
    const record = { model: modelName, backend: options.backend.name, choice, reason: 'given by the caller' };
    chosen.set(modelName, record);
    return { session: counted(modelName, await options.backend.createSession(model, sessionOptions)), backend: record };
  }
  const decided = decide(modelName, model, choice, choice === 'onnxruntime' ? { ok: false, reason: '' } : (options.gpu ?? cudaGraphAvailable)());
  // The native engine itself checks for the device: without one its CPU emulation runs.
  let backend: Backend = decided.engine === 'onnxruntime-cpu' ? onnxRuntimeCpu : nativeCuda();
  let reason = decided.reason;
  let session: InferenceSession;
  try {
    session = await backend.createSession(model, sessionOptions);
  } catch (err) {
    if (backend === onnxRuntimeCpu) throw err;
    reason = `${backend.name} could not load ${modelName} (${(err as Error).message}); fell back to onnxruntime`;
    backend = onnxRuntimeCpu;
    session = await backend.createSession(model, sessionOptions);
  }
  const record: ModelBackend = { model: modelName, backend: backend.name, choice, reason };
  if (/fell back/.test(reason)) (options.log ?? console.warn)(`${modelName}: ${reason}`);
  chosen.set(modelName, record);
  return { session: counted(modelName, session), backend: record };
}
