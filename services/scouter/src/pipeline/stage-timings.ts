/** A rolling window of recent values with percentiles: latency and per-stage milliseconds. */
export class RollingWindow {
  private readonly values: number[] = [];
  private next = 0;
  total = 0;
  count = 0;

  constructor(private readonly size = 200) {}

  add(value: number): void {
    if (this.values.length < this.size) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
    this.total += value;
    this.count++;
  }

  /** The q-quantile (0..1) of the window, or null when empty. */
  quantile(q: number): number | null {
    if (this.values.length === 0) return null;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }
}

/** Processed frames per second over the last few seconds. */
export class RateMeter {
  private readonly stamps: number[] = [];
  constructor(private readonly windowMs = 5000) {}

  tick(now = performance.now()): void {
    this.stamps.push(now);
    while (this.stamps.length > 0 && this.stamps[0]! < now - this.windowMs) this.stamps.shift();
  }

  rate(now = performance.now()): number {
    while (this.stamps.length > 0 && this.stamps[0]! < now - this.windowMs) this.stamps.shift();
    if (this.stamps.length < 2) return 0;
    return (this.stamps.length - 1) / ((this.stamps[this.stamps.length - 1]! - this.stamps[0]!) / 1000);
  }
}
