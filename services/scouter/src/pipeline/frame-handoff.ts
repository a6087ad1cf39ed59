/**
 * A bounded hand-off between a producer (decoder) and a consumer (inference): `put` never waits;
 * when `capacity` frames already wait it drops the oldest (counted as dropped); `take` gives the
 * oldest waiting frame, or waits for the next one. Capacity 1 is a one-slot "newest wins" hand-off:
 * memory stays at one frame however slow the consumer is. A larger capacity keeps a short backlog
 * for a consumer that can clear it quickly (every='auto' predicts the frames that waited).
 */
export class FrameHandoff<T> {
  private readonly queue: T[] = [];
  private waiter: ((value: T | undefined) => void) | undefined;
  private closed = false;
  dropped = 0;

  constructor(private capacityFrames = 1) {
    this.resize(capacityFrames);
  }

  get capacity(): number {
    return this.capacityFrames;
  }

  /** Changes how many frames may wait; frames beyond a smaller capacity are dropped, oldest first (counted). */
  resize(capacity: number): void {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be a whole number >= 1, got ${capacity}`);
    this.capacityFrames = capacity;
    while (this.queue.length > capacity) {
      this.queue.shift();
      this.dropped++;
    }
  }

  /** Offers a frame; returns true when it pushed out one that was never taken. */
  put(value: T): boolean {
    if (this.closed) return false;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = undefined;
      resolve(value);
      return false;
    }
    const full = this.queue.length >= this.capacityFrames;
    if (full) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(value);
    return full;
  }

  /** The oldest waiting frame, or the next one put; undefined once closed and empty. */
  take(): Promise<T | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Every frame waiting now, oldest first, taken at once. */
  drain(): T[] {
    return this.queue.splice(0);
  }

  /** Resolves once no frame waits (at once when none does): lossless producers await it before `put`. */
  async waitEmpty(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) await new Promise((r) => setTimeout(r, 1));
  }

  /** Frames put and not yet taken. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Later puts are ignored; frames still waiting are taken, then `take` gives undefined. */
  close(): void {
    this.closed = true;
    const resolve = this.waiter;
    this.waiter = undefined;
    resolve?.(undefined);
  }
}
