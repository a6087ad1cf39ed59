// Gathers the frames of one worker's cameras into batches for one network pass each, waiting a
// bounded time for a batch to fill so a lone camera's latency grows by at most that wait. Whether
// to gather at all is the backend's call (batchingFor, SIGHTLINE_BATCH=auto): on a GPU a batch of 4
// costs about one pass, so CUDA gathers. On onnxruntime's CPU path batching measured slower, so CPU
// backends run frame by frame unless SIGHTLINE_BATCH=on. Measured 2026-12 on a shared 2-core
// machine (load average 5-7, onnxruntime 2 threads, PETS09 480x360 at 512x384; medians of
// per-round ratios in alternating rounds, per-round spread in brackets):
// - whole detect path per frame (packages/models/bench/batch.bench.ts, 12 and 16 rounds), batch
//   2 / 3 / 4 against single passes: 1.26 / 1.23 / 1.39x, then 1.30 / 1.31 / 1.36x (0.54..3.1);
// - the network alone: the free-batch body 1.09x the frozen batch-1 graph at batch 1, 1.17x per
//   frame at batch 2 and 1.23x at batch 3 (a graph with a fixed batch of 2 or 3 was no better);
// - through the inference thread (services/scouter/bench/batching.bench.ts), cameras sending
//   frames back to back: 3 cameras 1.40x, 4 cameras 1.14x per frame with batching on; 3 cameras
//   at 10 fps: 4.2 fps per camera on vs 6.8 off, latency p50 180 vs 100 ms.
// The earlier 0.85-0.93x (batch 2-4, the network up to its head outputs only) did not hold up:
// the decode tail per frame (about 3 ms) and larger activations cost more than one run saves.

/** How many frames one pass takes and how long the first frame of a batch waits for company. */
export interface BatchPolicy {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
}

/** SIGHTLINE_BATCH: `auto` (the backend's policy, batchingFor), `on` (gather as on CUDA, whatever runs the network), `off` (single passes). */
export const BATCH_SETTINGS = ['auto', 'on', 'off'] as const;
export type BatchSetting = (typeof BATCH_SETTINGS)[number];

/** Gathering: up to 4 frames, the first waiting at most 5 ms (a 10 fps camera spends 100 ms per frame). */
export const GATHER: BatchPolicy = { maxBatch: 4, maxWaitMs: 5 };
const SINGLE: BatchPolicy = { maxBatch: 1, maxWaitMs: 0 };

/**
 * The batching setting, SIGHTLINE_BATCH (default auto); a wrong value throws naming the setting.
 * @example batchSetting({ SIGHTLINE_BATCH: 'on' }) // 'on'
 */
export function batchSetting(env: NodeJS.ProcessEnv = process.env): BatchSetting {
  const value = env.SIGHTLINE_BATCH ?? 'auto';
  if (!(BATCH_SETTINGS as readonly string[]).includes(value)) throw new Error(`SIGHTLINE_BATCH must be one of ${BATCH_SETTINGS.join(', ')}, got "${value}"`);
  return value as BatchSetting;
}

/**
 * The batch policy for a backend name as select-backend.ts reports it (selectBackend before
 * loading, ModelBackend.backend after) under a setting: on `auto`, CUDA gathers (GATHER) and every
 * CPU backend runs single passes (measured slower batched, above); `on` and `off` force either.
 * @example batchingFor('native-cuda') // { maxBatch: 4, maxWaitMs: 5 }
 */
export function batchingFor(backend: string, setting: BatchSetting = 'auto'): BatchPolicy {
  if (setting !== 'auto') return setting === 'on' ? GATHER : SINGLE;
  return backend === 'native-cuda' ? GATHER : SINGLE;
}

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
