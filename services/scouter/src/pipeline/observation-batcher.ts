import type { ObservationRow } from '../types/observation.ts';

/** Writes one camera's observations; the repository's insertBatch in production. */
export type WriteBatch = (rows: readonly ObservationRow[]) => Promise<void>;

/** PostgreSQL's foreign_key_violation: the camera the rows belong to was removed. */
export function isCameraGone(err: unknown): boolean {
  return (err as { code?: string }).code === '23503';
}

/**
 * Collects a camera's observations and writes them in one transaction every `intervalMs`, one
 * write at a time. While the database is unreachable rows wait (up to `maxPending`, beyond which
 * the oldest are discarded and counted) and the next flush retries them. A write refused because
 * the camera no longer exists (`isGone`) is never retried: the pending rows are discarded and
 * counted, later rows are ignored, and `onGone` is told once.
 */
export class ObservationBatcher {
  private pending: ObservationRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  written = 0;
  discarded = 0;
  /** The camera was removed: nothing more is written. */
  gone = false;
  lastError: string | undefined;

  constructor(
    private readonly write: WriteBatch,
    private readonly intervalMs: number,
    private readonly maxPending = 50_000,
    private readonly onError: (err: Error) => void = () => undefined,
    private readonly isGone: (err: Error) => boolean = isCameraGone,
    private readonly onGone: (discarded: number) => void = () => undefined,
  ) {}

  /** Rows not yet committed: queued, and in the write under way. */
  get pendingRows(): number {
    return this.pending.length + this.inFlight;
  }
  private inFlight = 0;

  add(rows: readonly ObservationRow[]): void {
    if (rows.length === 0) return;
    if (this.gone) {
      this.discarded += rows.length;
      return;
    }
    this.pending.push(...rows);
    if (this.pending.length > this.maxPending) {
      const excess = this.pending.length - this.maxPending;
      this.pending.splice(0, excess);
      this.discarded += excess;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Writes everything pending now (waits for a write in progress first). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.inFlight = rows.length;
    this.flushing = this.write(rows)
      .then(() => {
        this.written += rows.length;
        this.lastError = undefined;
      })
      .catch((err: Error) => {
        this.lastError = err.message;
        if (this.isGone(err)) {
          const dropped = rows.length + this.pending.length;
          this.gone = true;
          this.discarded += dropped;
          this.pending = [];
          this.onGone(dropped);
          return;
        }
        this.pending = rows.concat(this.pending);
        this.onError(err);
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          void this.flush();
        }, Math.max(this.intervalMs, 1000));
      })
      .finally(() => {
        this.inFlight = 0;
        this.flushing = undefined;
      });
    await this.flushing;
  }

  /** Final flush; stops the timer. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
