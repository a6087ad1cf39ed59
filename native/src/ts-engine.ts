// The TypeScript backend: always available, and the reference the native backends are tested against.
import { loadAddon } from './addon.ts';
import type { NativeEngine } from './engine.ts';
import { frameResult, planFrame, planNms, planRoi, roiResult } from './plan.ts';
import { frameToTensorReference } from './reference/frame-to-tensor.ts';
import { nmsReference } from './reference/nms.ts';
import { roiAlignReference } from './reference/roi-align.ts';

export function createTsEngine(): NativeEngine {
  const engine: NativeEngine = {
    backendName: 'ts',
    cudaDeviceCount() {
      const load = loadAddon();
      return load.ok ? load.addon.cudaDeviceCount() : 0;
    },
    frameToTensorSync(frame, options) {
      const plan = planFrame(frame, options);
      frameToTensorReference(plan);
      return frameResult(plan);
    },
    roiAlignSync(featureMap, boxesXyxy, options) {
      const plan = planRoi(featureMap, boxesXyxy, options);
      roiAlignReference(plan);
      return roiResult(plan);
    },
    nmsSync: (boxesXyxy, scores, options) => nmsReference(planNms(boxesXyxy, scores, options)),
    frameToTensor: async (frame, options) => engine.frameToTensorSync(frame, options),
    roiAlign: async (featureMap, boxesXyxy, options) => engine.roiAlignSync(featureMap, boxesXyxy, options),
    nms: async (boxesXyxy, scores, options) => engine.nmsSync(boxesXyxy, scores, options),
  };
  return engine;
}
