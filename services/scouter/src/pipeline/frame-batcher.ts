// Gathers the frames of one worker's cameras into batches for one network pass each, waiting a
// bounded time for a batch to fill so a lone camera's latency grows by at most that wait. Whether
// to gather at all is the backend's call: batchingFor (packages/models backend/batch-policy.ts,
// with the CPU measurement behind it) gathers on CUDA and runs single passes on the CPU unless
// SIGHTLINE_BATCH says otherwise.
import type { BatchPolicy } from '@sightline/models';

// The policy lives beside the backend selection, so `sightline doctor` reports it too.
export { BATCH_SETTINGS, batchingFor, batchSetting, GATHER, type BatchPolicy, type BatchSetting } from '@sightline/models';

/** Starts a timer; returns the function that cancels it (tests pass a manual clock). */
export type Schedule = (run: () => void, ms: number) => () => void;

const realSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/**
 * Runs `pass` on batches of queued items: a batch goes as soon as some group holds `maxBatch`
 * items, or `maxWaitMs` after the oldest waiting item came, or at once when a pass just ended and
 * items wait (never two passes at a time). A batch holds items of one group (`groupOf`, e.g. the
 * network input shape: frames of two shapes never share a pass), the oldest waiting item's. Each
 * `push` resolves with its own item's result; a failed pass rejects every item of its batch.
 * @example const batcher = new FrameBatcher(batchingFor(backend), (frames) => detector.detectBatch(frames));
 */
export class FrameBatcher<In, Out> {
  private readonly waiting: { item: In; group: string; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private cancelTimer: (() => void) | undefined;
  private busy = false;
  private idle: (() => void)[] = [];
  /** Sizes of the last 256 batches passed (tests, logs). */
  readonly batchSizes: number[] = [];
  /** Passes so far by number of items (metrics). */
  readonly passesBySize = new Map<number, number>();

  constructor(
    readonly policy: BatchPolicy,
    private readonly pass: (items: In[]) => Promise<Out[]>,
    private readonly schedule: Schedule = realSchedule,
    private readonly groupOf: (item: In) => string = () => '',
  ) {
    if (!(Number.isInteger(policy.maxBatch) && policy.maxBatch >= 1)) throw new RangeError(`maxBatch must be a whole number >= 1, got ${policy.maxBatch}`);
    if (!(policy.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${policy.maxWaitMs}`);
  }

  push(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, group: this.groupOf(item), resolve, reject });
      this.consider();
    });
  }

  /** Resolves once no item waits and no pass runs (before releasing what the passes use). */
  settled(): Promise<void> {
    if (!this.busy && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private someGroupFull(): boolean {
    const counts = new Map<string, number>();
    for (const { group } of this.waiting) {
      const n = (counts.get(group) ?? 0) + 1;
      if (n >= this.policy.maxBatch) return true;
      counts.set(group, n);
    }
    return false;
  }

  private consider(): void {
    if (this.busy || this.waiting.length === 0) return;
    if (this.policy.maxWaitMs === 0 || this.someGroupFull()) return this.flush();
    this.cancelTimer ??= this.schedule(() => {
      this.cancelTimer = undefined;
      this.flush();
    }, this.policy.maxWaitMs);
  }

  private flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.busy || this.waiting.length === 0) return;
    const group = this.waiting[0]!.group;
    const batch: typeof this.waiting = [];
    for (let i = 0; i < this.waiting.length && batch.length < this.policy.maxBatch; ) {
      if (this.waiting[i]!.group === group) batch.push(...this.waiting.splice(i, 1));
      else i++;
    }
    this.busy = true;
    this.batchSizes.push(batch.length);
    if (this.batchSizes.length > 256) this.batchSizes.shift();
    this.passesBySize.set(batch.length, (this.passesBySize.get(batch.length) ?? 0) + 1);
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
        else for (const done of this.idle.splice(0)) done();
      });
  }
}
