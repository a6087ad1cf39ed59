// Closed-loop load on loopback for the benchmarks: N virtual users each repeat one step (their own
// request, with their own state) for a bounded time; the figures are held throughput, latency
// percentiles and the error rate.
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  readonly name: string;
  readonly seconds: number;
  readonly latenciesMs: number[];
  readonly errors: number;
  /** The first few error descriptions, to say what failed. */
  readonly samples: string[];
}

/**
 * Runs `users` loops of `step(user)` for `seconds`; a step resolves true (success) or false/throws
 * (an error). Latency is measured per step.
 * @example await closedLoop('saves', 50, 10, async (u) => (await fetch(url)).ok);
 */
export async function closedLoop(name: string, users: number, seconds: number, step: (user: number) => Promise<boolean | string>): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const samples: string[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: users }, async (_, user) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        let outcome: boolean | string;
        try {
          outcome = await step(user);
        } catch (err) {
          outcome = (err as Error).message;
        }
        latenciesMs.push(performance.now() - t);
        if (outcome !== true) {
          errors++;
          if (samples.length < 3) samples.push(typeof outcome === 'string' ? outcome : 'failed');
        }
      }
    }),
  );
  return { name, seconds: (performance.now() - started) / 1000, latenciesMs, errors, samples };
}

export const percentile = (xs: readonly number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** One line: held throughput, p50/p95/p99 and the error rate. */
export function printLoad(result: LoadResult, unit = 'requests'): void {
  const n = result.latenciesMs.length;
  const f = (x: number) => `${x.toFixed(1)} ms`;
  console.log(
    `${result.name}: ${n} ${unit} in ${result.seconds.toFixed(1)} s = ${(n / result.seconds).toFixed(0)}/s held; ` +
      `p50 ${f(percentile(result.latenciesMs, 50))}, p95 ${f(percentile(result.latenciesMs, 95))}, p99 ${f(percentile(result.latenciesMs, 99))}; ` +
      `errors ${result.errors} (${((100 * result.errors) / Math.max(1, n)).toFixed(2)}%)${result.samples.length ? ` e.g. ${result.samples.join(' | ')}` : ''}`,
  );
}
