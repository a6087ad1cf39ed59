// Gathers the frames of one worker's cameras into batches for one network pass each, waiting a
// bounded time for a batch to fill so a lone camera's latency grows by at most that wait. Whether
// to gather at all is the backend's call (batchingFor): on a GPU a batch of 4 costs about one pass.
// On onnxruntime's CPU path batches of 2-4 measured 0.85-0.93x the per-frame time of single passes
// of the network up to its heads (packages/models/bench/batch.bench.ts, 2 threads, a shared 2-core
// machine whose noise reached 20% between identical passes), before the per-frame decode a batched
// pass adds and the wait it costs: CPU backends run frame by frame until a whole batched pass
// measures faster.

/** How many frames one pass takes and how long the first frame of a batch waits for company. */
export interface BatchPolicy {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
}

/**
 * The batch policy for a backend name as select-backend.ts reports it: CUDA gathers up to 4 frames
 * waiting at most 5 ms (a 10 fps camera spends 100 ms per frame), every CPU backend runs single passes.
 * @example batchingFor('native-cuda') // { maxBatch: 4, maxWaitMs: 5 }
 */
export function batchingFor(backend: string): BatchPolicy {
  return backend === 'native-cuda' ? { maxBatch: 4, maxWaitMs: 5 } : { maxBatch: 1, maxWaitMs: 0 };
}

/** Starts a timer; returns the function that cancels it (tests pass a manual clock). */
export type Schedule = (run: () => void, ms: number) => () => void;

const realSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/**
 * Runs `pass` on batches of queued items: a batch goes as soon as it holds `maxBatch` items, or
 * `maxWaitMs` after its first item came, or at once when a pass just ended and items wait (never
 * two passes at a time). Each `push` resolves with its own item's result, in order.
 * @example const batcher = new FrameBatcher(batchingFor(backend), (frames) => detector.detectBatch(frames));
 */
export class FrameBatcher<In, Out> {
  private readonly waiting: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private cancelTimer: (() => void) | undefined;
  private busy = false;
  /** Sizes of the batches passed so far (for metrics and tests). */
  readonly batchSizes: number[] = [];

  constructor(
    private readonly policy: BatchPolicy,
    private readonly pass: (items: In[]) => Promise<Out[]>,
    private readonly schedule: Schedule = realSchedule,
  ) {
    if (!(Number.isInteger(policy.maxBatch) && policy.maxBatch >= 1)) throw new RangeError(`maxBatch must be a whole number >= 1, got ${policy.maxBatch}`);
    if (!(policy.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${policy.maxWaitMs}`);
  }

  push(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.consider();
    });
  }

  private consider(): void {
    if (this.busy || this.waiting.length === 0) return;
    if (this.waiting.length >= this.policy.maxBatch || this.policy.maxWaitMs === 0) return this.flush();
    this.cancelTimer ??= this.schedule(() => {
      this.cancelTimer = undefined;
      this.flush();
    }, this.policy.maxWaitMs);
  }

  private flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.busy || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, this.policy.maxBatch);
    this.busy = true;
    this.batchSizes.push(batch.length);
    this.pass(batch.map((b) => b.item))
      .then((outs) => {
        if (outs.length !== batch.length) throw new Error(`a batch pass returned ${outs.length} results for ${batch.length} frames`);
        batch.forEach((b, i) => b.resolve(outs[i]!));
      })
      .catch((err: unknown) => batch.forEach((b) => b.reject(err)))
      .finally(() => {
        this.busy = false;
        // Frames that came during the pass waited already: a full or overdue batch goes now.
        if (this.waiting.length > 0) this.flush();
      });
  }
}
