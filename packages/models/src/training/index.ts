export { trainHead, type FeatureSet, type EpochStats, type TrainHeadOptions, type TrainHeadResult, type HeadMetrics } from './head-trainer.ts';
export { headToOnnx } from './head-onnx.ts';
export { buildFeatureCache, SHARED_FEATURES, type FrameBoxes, type FeatureCacheOptions, type FeatureCacheResult } from './feature-cache.ts';
