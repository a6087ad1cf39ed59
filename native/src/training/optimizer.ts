// SGD with momentum (L2 weight decay) and AdamW over a network's params, on TrainOps.
import type { Param } from './head-layers.ts';
import type { TrainOps } from './train-ops.ts';

export type OptimizerSettings =
  | { kind: 'sgd'; lr: number; momentum: number; weightDecay: number }
  | { kind: 'adam'; lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay: number };

export interface Optimizer {
  /** Applies the params' current gradients. */
  step(): void;
}

/**
 * An optimiser over `params` with its own state (velocity, or first and second moments).
 * @example const opt = createOptimizer(ops, net.params, { kind: 'adam', lr: 1e-3, weightDecay: 1e-4 }); opt.step();
 */
export function createOptimizer(ops: TrainOps, params: readonly Param[], s: OptimizerSettings): Optimizer {
  if (s.kind === 'sgd') {
    const v = params.map((p) => new Float32Array(p.value.length));
    return {
      step() {
        params.forEach((p, i) => ops.sgdStep({ len: p.value.length, param: p.value, grad: p.grad, v: v[i]!, lr: s.lr, momentum: s.momentum, weightDecay: s.weightDecay }));
      },
    };
  }
  const beta1 = s.beta1 ?? 0.9, beta2 = s.beta2 ?? 0.999, eps = s.eps ?? 1e-8;
  const m = params.map((p) => new Float32Array(p.value.length));
  const v = params.map((p) => new Float32Array(p.value.length));
  let t = 0;
  return {
    step() {
      t++;
      const bc1 = 1 - beta1 ** t, bc2 = 1 - beta2 ** t;
      params.forEach((p, i) => ops.adamStep({ len: p.value.length, param: p.value, grad: p.grad, m: m[i]!, v: v[i]!, lr: s.lr, beta1, beta2, eps, weightDecay: s.weightDecay, bc1, bc2 }));
    },
  };
}
