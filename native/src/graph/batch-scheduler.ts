// Groups frames from several camera streams into GPU batches within a latency budget: a batch
// leaves as soon as it is full, or when its oldest frame has waited `maxWaitMs`, whichever
// comes first. With `maxInFlight` batches already running (one stream-ordered GPU executor:
// 1), frames keep queueing and leave when a run finishes, at once if their budget is spent.

export interface BatchSchedulerOptions<T, R> {
  maxBatch: number;
  maxWaitMs: number;
  /** Runs one batch; returns one result per item, in order. */
  run: (items: T[]) => Promise<R[]>;
  /** Batches running at once (default 1). */
  maxInFlight?: number;
  /** Clock in ms (default Date.now; tests pass a fake one). */
  now?: () => number;
}

export interface BatchStats {
  batches: number;
  items: number;
  /** Largest time an item waited in the queue before its batch started (ms). */
  maxQueueMs: number;
  /** Batches sent because they were full, and because the wait budget ran out. */
  full: number;
  timedOut: number;
}

interface Pending<T, R> {
  item: T;
  at: number;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Batches submitted items for `run`.
 * @example const s = new BatchScheduler({ maxBatch: 32, maxWaitMs: 15, run: (frames) => detector.runBatch(frames) }); const dets = await s.submit(frame);
 */
export class BatchScheduler<T, R> {
  private readonly queue: Pending<T, R>[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = 0;
  private closing = false;
  private readonly idle: (() => void)[] = [];
  private readonly now: () => number;
  readonly stats: BatchStats = { batches: 0, items: 0, maxQueueMs: 0, full: 0, timedOut: 0 };

  constructor(private readonly options: BatchSchedulerOptions<T, R>) {
    if (!(options.maxBatch >= 1) || !Number.isInteger(options.maxBatch)) throw new Error(`BatchScheduler: maxBatch must be a positive integer, got ${options.maxBatch}`);
    if (!(options.maxWaitMs >= 0)) throw new Error(`BatchScheduler: maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
    this.now = options.now ?? Date.now;
  }

  /** Queues one item; resolves with its result once its batch has run. */
  submit(item: T): Promise<R> {
    if (this.closing) return Promise.reject(new Error('BatchScheduler: closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, at: this.now(), resolve, reject });
      this.pump();
    });
  }

  /** Items waiting for a batch. */
  get pending(): number {
    return this.queue.length;
  }

  /** Sends what is queued without waiting for the budget, and resolves when every batch has run. */
  async close(): Promise<void> {
    this.closing = true;
    this.pump();
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    const max = this.options.maxInFlight ?? 1;
    while (this.queue.length > 0 && this.inFlight < max) {
      const full = this.queue.length >= this.options.maxBatch;
      const expired = this.now() - this.queue[0]!.at >= this.options.maxWaitMs;
      if (!full && !expired && !this.closing) break;
      if (full) this.stats.full++;
      else this.stats.timedOut++;
      this.dispatch(this.queue.splice(0, this.options.maxBatch));
    }
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Wake up when the oldest item's budget runs out (a running batch will pump on its own).
    if (this.queue.length > 0 && this.inFlight < max) {
      const wait = Math.max(0, this.queue[0]!.at + this.options.maxWaitMs - this.now());
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
    }
    if (this.queue.length === 0 && this.inFlight === 0) for (const done of this.idle.splice(0)) done();
  }

  private dispatch(batch: Pending<T, R>[]): void {
    const t = this.now();
    this.inFlight++;
    this.stats.batches++;
    this.stats.items += batch.length;
    for (const p of batch) this.stats.maxQueueMs = Math.max(this.stats.maxQueueMs, t - p.at);
    let results: Promise<R[]>;
    try {
      results = this.options.run(batch.map((p) => p.item));
    } catch (err) {
      results = Promise.reject(err);
    }
    results
      .then((rs) => {
        if (rs.length !== batch.length) throw new Error(`BatchScheduler: run returned ${rs.length} results for ${batch.length} items`);
        batch.forEach((p, i) => p.resolve(rs[i]!));
      })
      .catch((err: unknown) => batch.forEach((p) => p.reject(err)))
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }
}
