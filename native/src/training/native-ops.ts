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

export function createNativeTrainOps(b: TrainBinding): TrainOps {
  return {
    backendName: 'cpp',
    denseForward: (a) => void b.trainDenseForward(a),
    denseBackward: (a) => void b.trainDenseBackward(a),
    convForward: (a) => void b.trainConvForward(a),
    convBackward: (a) => void b.trainConvBackward(a),
    maxPoolForward: (a) => void b.trainMaxPoolForward(a),
    maxPoolBackward: (a) => void b.trainMaxPoolBackward(a),
    reluForward: (a) => void b.trainRelu(a),
    reluBackward: (a) => void b.trainRelu(a),
    dropout: (a) => void b.trainDropout(a),
    softmaxCrossEntropy: (a) => b.trainSoftmaxCrossEntropy(a),
    sgdStep: (a) => void b.trainOptimizerStep(a),
    adamStep: (a) => void b.trainOptimizerStep(a),
  };
}
