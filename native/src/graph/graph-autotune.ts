// Per-shape kernel choice: each conv's variants (simple, tiled, tensor-core tile) are timed on
// the device at load, the fastest is kept, and the choice is cached in a JSON file keyed by
// device, precision and conv shape, so later loads skip the timing.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CONV_VARIANTS, loadGraph, type GraphDevice, type GraphSession } from './graph-engine.ts';
import { OP, type ExecutionPlan } from './plan-types.ts';

export interface TuneResult {
  session: GraphSession;
  variants: number[];
  /** Ops whose choice came from the cache, and those timed now. */
  cached: number;
  timed: number;
}

function keyOf(device: string, plan: ExecutionPlan, ints: readonly number[]): string {
  return `${device}|${plan.precision}|conv|${ints.join(',')}`;
}

function readCache(file: string): Record<string, number> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * Loads `plan` with the fastest conv variant per shape, timing the shapes the cache lacks.
 * @example const { session } = loadTuned(plan, 'cuda', '.cache/native/autotune.json');
 */
export function loadTuned(plan: ExecutionPlan, device: GraphDevice, cacheFile: string, repeats = 5): TuneResult {
  let session = loadGraph(plan, device);
  const deviceName = session.describe();
  const cache = readCache(cacheFile);
  const convs = plan.ops.map((op, i) => ({ op, i })).filter(({ op }) => op.code === OP.conv);
  const variants = plan.ops.map(() => 0);
  const missing = convs.filter(({ op }) => cache[keyOf(deviceName, plan, op.ints)] === undefined);
  if (missing.length > 0) {
    const ms = session.timeVariants(repeats);
    for (const { op, i } of missing) {
      let best = 0;
      for (let v = 1; v < CONV_VARIANTS.length; v++) {
        const t = ms[i * CONV_VARIANTS.length + v]!;
        if (t >= 0 && t < ms[i * CONV_VARIANTS.length + best]!) best = v;
      }
      cache[keyOf(deviceName, plan, op.ints)] = best;
    }
    mkdirSync(dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(cache, null, 1)}\n`);
    renameSync(tmp, cacheFile);
  }
  for (const { op, i } of convs) variants[i] = cache[keyOf(deviceName, plan, op.ints)] ?? 0;
  if (variants.some((v) => v !== 0)) session = loadGraph(plan, device, variants);
  return { session, variants, cached: convs.length - missing.length, timed: missing.length };
}
