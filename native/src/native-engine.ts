// The C++ and CUDA backends: the shared plans from plan.ts handed to the addon's flat API.
import { DEVICE, type AddonBinding } from './addon.ts';
import type { NativeEngine } from './engine.ts';
import { frameResult, planFrame, planNms, planRoi, roiResult } from './plan.ts';

// Below these sizes a trip through the libuv pool costs more than the kernel: run inline.
const SYNC_FRAME_VALUES = 16_384;
const SYNC_ROI_VALUES = 16_384;
const SYNC_NMS_BOXES = 512;

export interface NativeEngineOptions {
  /** Run the CUDA kernel bodies on the CPU instead of a GPU: lets tests cover them anywhere. */
  emulateCuda?: boolean;
}

export function createNativeEngine(addon: AddonBinding, backend: 'cpp' | 'cuda', options: NativeEngineOptions = {}): NativeEngine {
  const device = backend === 'cuda' ? (options.emulateCuda ? DEVICE.cudaEmulated : DEVICE.cuda) : DEVICE.cpu;
  const onCpu = device === DEVICE.cpu;
  return {
    backendName: backend,
    cudaDeviceCount: () => addon.cudaDeviceCount(),
    frameToTensorSync(frame, options) {
      const plan = planFrame(frame, options);
      addon.frameToTensor(plan, device, false);
      return frameResult(plan);
    },
    async frameToTensor(frame, options) {
      const plan = planFrame(frame, options);
      if (onCpu && plan.out.length < SYNC_FRAME_VALUES) addon.frameToTensor(plan, device, false);
      else await addon.frameToTensor(plan, device, true);
      return frameResult(plan);
    },
    roiAlignSync(featureMap, boxesXyxy, options) {
      const plan = planRoi(featureMap, boxesXyxy, options);
      addon.roiAlign(plan, device, false);
      return roiResult(plan);
    },
    async roiAlign(featureMap, boxesXyxy, options) {
      const plan = planRoi(featureMap, boxesXyxy, options);
      if (onCpu && plan.out.length < SYNC_ROI_VALUES) addon.roiAlign(plan, device, false);
      else await addon.roiAlign(plan, device, true);
      return roiResult(plan);
    },
    nmsSync: (boxesXyxy, scores, options) => addon.nms(planNms(boxesXyxy, scores, options), device, false),
    async nms(boxesXyxy, scores, options) {
      const plan = planNms(boxesXyxy, scores, options);
      if (onCpu && scores.length < SYNC_NMS_BOXES) return addon.nms(plan, device, false);
      return addon.nms(plan, device, true);
    },
  };
}
