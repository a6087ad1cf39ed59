// Picks the training backend like getEngine picks the inference one: the C++ kernels when the
// addon is built (with them), else the TypeScript reference with a one-time warning naming why.
import { loadAddon } from '../addon.ts';
import { createNativeTrainOps, trainBinding } from './native-ops.ts';
import { createReferenceTrainOps } from './reference-ops.ts';
import type { TrainOps } from './train-ops.ts';

let warned = false;

/**
 * Training kernels on `backend` ('cpp' throws with the reason when unavailable), or the best one
 * (SIGHTLINE_NATIVE=ts forces the reference).
 * @example const ops = loadTrainOps(); ops.denseForward({ n, in: 2048, out: 2, x, w, b, y });
 */
export function loadTrainOps(backend: 'cpp' | 'ts' | 'auto' = process.env.SIGHTLINE_NATIVE?.trim().toLowerCase() === 'ts' ? 'ts' : 'auto'): TrainOps {
  if (backend === 'ts') return createReferenceTrainOps();
  const reason = unavailableReason();
  if (reason === undefined) {
    const load = loadAddon();
    if (load.ok) {
      const binding = trainBinding(load.addon);
      if (!('missing' in binding)) return createNativeTrainOps(binding);
    }
  }
  if (backend === 'cpp') throw new Error(`@sightline/native: training backend 'cpp' is not available: ${reason}`);
  if (!warned) {
    warned = true;
    process.emitWarning(`${reason} Training uses the TypeScript kernels meanwhile.`, 'SightlineNativeWarning');
  }
  return createReferenceTrainOps();
}

function unavailableReason(): string | undefined {
  const load = loadAddon();
  if (!load.ok) return load.error.message;
  const binding = trainBinding(load.addon);
  if ('missing' in binding) return `@sightline/native: ${load.path} has no training kernels (${binding.missing.join(', ')}); rebuild it with \`npm rebuild @sightline/native\`.`;
  return undefined;
}
