import { hawkUrl, loadSession } from './api.ts';

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
  ) {}

  get(index: number): Promise<ImageBitmap> {
    const hit = this.entries.get(index);
    if (hit) {
      this.entries.delete(index);
      this.entries.set(index, hit);
      return hit;
    }
    const load = (async () => {
      const session = loadSession();
      const res = await fetch(`${await hawkUrl()}/videos/${this.videoId}/frames/${index}`, { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
      if (!res.ok) throw new Error(`frame ${index}: ${res.status}`);
      return createImageBitmap(await res.blob());
    })();
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

  /** Starts loading the frames after (and a few before) `index`, nearest first. */
  prefetch(index: number, ahead = 12, behind = 3): void {
    for (let d = 1; d <= ahead; d++) if (index + d < this.frameCount && !this.entries.has(index + d)) void this.get(index + d).catch(() => undefined);
    for (let d = 1; d <= behind; d++) if (index - d >= 0 && !this.entries.has(index - d)) void this.get(index - d).catch(() => undefined);
  }
}
