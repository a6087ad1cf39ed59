// Training of attribute heads: layer kernels (C++ or TypeScript), layers, networks, optimisers.
export type * from './train-ops.ts';
export { loadTrainOps } from './load-train-ops.ts';
export { createReferenceTrainOps } from './reference-ops.ts';
export { HeadNetwork, type HeadArchitecture, type HeadInput } from './head-network.ts';
export { createOptimizer, type Optimizer, type OptimizerSettings } from './optimizer.ts';
export { seededRandom, shuffleInPlace } from './seeded-random.ts';
export type { Layer, Param } from './head-layers.ts';
