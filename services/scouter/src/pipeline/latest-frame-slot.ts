/**
 * A one-slot hand-off between a producer (decoder) and a consumer (inference): `put` never waits
 * and replaces a frame nobody took yet (the replaced one is counted as dropped); `take` waits for
 * the next frame. Memory stays at one frame however slow the consumer is.
 */
export class LatestFrameSlot<T> {
  private value: T | undefined;
  private waiter: ((value: T | undefined) => void) | undefined;
  private closed = false;
  dropped = 0;

  /** Offers a frame; returns true when it replaced one that was never taken. */
  put(value: T): boolean {
    if (this.closed) return false;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = undefined;
      resolve(value);
      return false;
    }
    const replaced = this.value !== undefined;
    if (replaced) this.dropped++;
    this.value = value;
    return replaced;
  }

  /** The waiting frame, or the next one put; undefined once closed. */
  take(): Promise<T | undefined> {
    if (this.value !== undefined) {
      const value = this.value;
      this.value = undefined;
      return Promise.resolve(value);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Resolves once the waiting frame has been taken (at once when none waits): lossless producers await it before `put`. */
  async waitEmpty(): Promise<void> {
    while (this.value !== undefined && !this.closed) await new Promise((r) => setTimeout(r, 1));
  }

  get pending(): boolean {
    return this.value !== undefined;
  }

  /** Later puts are ignored; a frame still waiting is taken, then `take` gives undefined. */
  close(): void {
    this.closed = true;
    const resolve = this.waiter;
    this.waiter = undefined;
    resolve?.(undefined);
  }
}
