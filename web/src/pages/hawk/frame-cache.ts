import { apiResponse } from '../../lib/api-client.ts';
import { hawkUrl } from './api.ts';

/**
 * Decoded frames of one video, fetched ahead of the cursor so that stepping to the next frame
 * draws from memory. Holds at most `capacity` bitmaps (least recently used go first).
 */
export class FrameCache {
  private readonly entries = new Map<number, Promise<ImageBitmap>>();

  constructor(
    private readonly videoId: number,
    private readonly frameCount: number,
    private readonly capacity = 64,
    private readonly batch = true,
  ) {}

  get(index: number): Promise<ImageBitmap> {
    const hit = this.entries.get(index);
    if (hit) {
      this.entries.delete(index);
      this.entries.set(index, hit);
      return hit;
    }
    return this.put(index, (async () => {
      const res = await apiResponse(await hawkUrl(), 'GET', `/videos/${this.videoId}/frames/${index}`);
      return createImageBitmap(await res.blob());
    })());
  }

  /**
   * Loads `count` frames from `from` in one request (GET /videos/:id/frames?from&count): filling a
   * prefetch window this way took about half the time of one request per frame in the benchmark.
   */
  private getRun(from: number, count: number): void {
    const parts = (async () => {
      const res = await apiResponse(await hawkUrl(), 'GET', `/videos/${this.videoId}/frames?from=${from}&count=${count}`);
      const body = await res.blob();
      let offset = 0;
      return (res.headers.get('x-frame-lengths') ?? '').split(',').map((n) => {
        const part = body.slice(offset, offset + Number(n), 'image/jpeg');
        offset += Number(n);
        return part;
      });
    })();
    for (let i = 0; i < count; i++) {
      void this.put(from + i, parts.then((p) => {
        const part = p[i];
        if (!part) throw new Error(`frame ${from + i} missing from the batch`);
        return createImageBitmap(part);
      })).catch(() => undefined);
    }
  }

  private put(index: number, load: Promise<ImageBitmap>): Promise<ImageBitmap> {
    load.catch(() => this.entries.delete(index));
    this.entries.set(index, load);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as number;
      void this.entries.get(oldest)?.then((b) => b.close(), () => undefined);
      this.entries.delete(oldest);
    }
    return load;
  }

  /** True when the frame is decoded already. */
  has(index: number): boolean {
    return this.entries.has(index);
  }

  /** Starts loading the frames after (and a few before) `index`, nearest first; runs of missing frames ahead come in one request. */
  prefetch(index: number, ahead = 12, behind = 3): void {
    const batch = this.batch && (globalThis as { localStorage?: Storage }).localStorage?.getItem('hawk.batchPrefetch') !== 'off';
    for (let d = 1; d <= ahead; d++) {
      if (index + d >= this.frameCount || this.entries.has(index + d)) continue;
      let run = 1;
      while (batch && d + run <= ahead && index + d + run < this.frameCount && !this.entries.has(index + d + run)) run++;
      if (run >= 3) {
        this.getRun(index + d, run);
        d += run - 1;
      } else void this.get(index + d).catch(() => undefined);
    }
    for (let d = 1; d <= behind; d++) if (index - d >= 0 && !this.entries.has(index - d)) void this.get(index - d).catch(() => undefined);
  }
}
