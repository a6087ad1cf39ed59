// The C++ backend of TrainOps: the addon's train* functions (cpp/train_addon.cc).
import type { AddonBinding } from '../addon.ts';
import type { TrainOps } from './train-ops.ts';

type Fn = (params: object) => unknown;

/** The training entry points of the addon, present in builds from these sources on. */
export interface TrainBinding {
  trainDenseForward: Fn;
  trainDenseBackward: Fn;
  trainConvForward: Fn;
  trainConvBackward: Fn;
  trainMaxPoolForward: Fn;
  trainMaxPoolBackward: Fn;
  trainRelu: Fn;
  trainDropout: Fn;
  trainSoftmaxCrossEntropy: (params: object) => number;
  trainOptimizerStep: Fn;
}

const NAMES: readonly (keyof TrainBinding)[] = [
  'trainDenseForward', 'trainDenseBackward', 'trainConvForward', 'trainConvBackward', 'trainMaxPoolForward',
  'trainMaxPoolBackward', 'trainRelu', 'trainDropout', 'trainSoftmaxCrossEntropy', 'trainOptimizerStep',
];

/** The addon's training functions, or the names it lacks (a build from older sources). */
export function trainBinding(addon: AddonBinding): TrainBinding | { missing: string[] } {
  const record = addon as unknown as Record<string, unknown>;
  const missing = NAMES.filter((n) => typeof record[n] !== 'function');
  return missing.length ? { missing } : (addon as unknown as TrainBinding);
}

/**
 * TrainOps over the addon: the threaded C++ kernels ('cpp'), the CUDA kernels ('cuda', which
 * throw without a device or a CUDA build), or the CUDA kernels' bodies looped on the CPU
 * ('cuda-emulated', how the CUDA indexing is checked on machines without a GPU).
 */
export function createNativeTrainOps(b: TrainBinding, device: 'cpp' | 'cuda' | 'cuda-emulated' = 'cpp'): TrainOps {
  const on = <T extends object>(a: T): T => (device === 'cpp' ? a : { ...a, device });
  return {
    backendName: device,
    denseForward: (a) => void b.trainDenseForward(on(a)),
    denseBackward: (a) => void b.trainDenseBackward(on(a)),
    convForward: (a) => void b.trainConvForward(on(a)),
    convBackward: (a) => void b.trainConvBackward(on(a)),
    maxPoolForward: (a) => void b.trainMaxPoolForward(on(a)),
    maxPoolBackward: (a) => void b.trainMaxPoolBackward(on(a)),
    reluForward: (a) => void b.trainRelu(on(a)),
    reluBackward: (a) => void b.trainRelu(on(a)),
    dropout: (a) => void b.trainDropout(on(a)),
    softmaxCrossEntropy: (a) => b.trainSoftmaxCrossEntropy(on(a)),
    sgdStep: (a) => void b.trainOptimizerStep(on(a)),
    adamStep: (a) => void b.trainOptimizerStep(on(a)),
  };
}
