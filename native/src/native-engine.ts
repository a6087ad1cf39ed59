// The C++ and CUDA backends: the shared plans from plan.ts handed to the addon's flat API.
import type { AddonBinding } from './addon.ts';
import type { NativeEngine } from './engine.ts';
import { frameResult, planFrame, planNms, planRoi, roiResult } from './plan.ts';

// Below these sizes a trip through the libuv pool costs more than the kernel: run inline.
const SYNC_FRAME_VALUES = 16_384;
const SYNC_ROI_VALUES = 16_384;
const SYNC_NMS_BOXES = 512;

export function createNativeEngine(addon: AddonBinding, backend: 'cpp' | 'cuda'): NativeEngine {
  const cuda = backend === 'cuda';
  return {
    backendName: backend,
    cudaDeviceCount: () => addon.cudaDeviceCount(),
    frameToTensorSync(frame, options) {
      const plan = planFrame(frame, options);
      addon.frameToTensor(plan, cuda, false);
      return frameResult(plan);
    },
    async frameToTensor(frame, options) {
      const plan = planFrame(frame, options);
      if (!cuda && plan.out.length < SYNC_FRAME_VALUES) addon.frameToTensor(plan, cuda, false);
      else await addon.frameToTensor(plan, cuda, true);
      return frameResult(plan);
    },
    roiAlignSync(featureMap, boxesXyxy, options) {
      const plan = planRoi(featureMap, boxesXyxy, options);
      addon.roiAlign(plan, cuda, false);
      return roiResult(plan);
    },
    async roiAlign(featureMap, boxesXyxy, options) {
      const plan = planRoi(featureMap, boxesXyxy, options);
      if (!cuda && plan.out.length < SYNC_ROI_VALUES) addon.roiAlign(plan, cuda, false);
      else await addon.roiAlign(plan, cuda, true);
      return roiResult(plan);
    },
    nmsSync: (boxesXyxy, scores, options) => addon.nms(planNms(boxesXyxy, scores, options), cuda, false),
    async nms(boxesXyxy, scores, options) {
      const plan = planNms(boxesXyxy, scores, options);
      if (!cuda && scores.length < SYNC_NMS_BOXES) return addon.nms(plan, cuda, false);
      return addon.nms(plan, cuda, true);
    },
  };
}
