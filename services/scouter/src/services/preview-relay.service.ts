import type { FrameEvent } from '@sightline/contracts';
import { notFound } from '@sightline/server-kit';
import type { PreviewRepository, StoredPreview } from '../repositories/preview.repository.ts';
import type { FrameRef } from './live-relay.service.ts';

/** Where shared previews go: references to the other processes, events to this process's clients. */
export interface PreviewRelayOutput {
  publish(ref: FrameRef): void;
  emit(event: FrameEvent): void;
  /** Whether any browser is connected here; without one a relayed preview is not worth reading. */
  hasClients(): boolean;
}

/**
 * JPEG previews across Scouter processes. A preview is too big for NOTIFY, so the process running a
 * camera stores its latest preview in PostgreSQL and relays only a reference (camera, sequence
 * number); the others read the row and emit the same `scouter:frame` their own pipelines would.
 * Best effort on both sides: a preview is replaced within a second, so while a camera's write runs
 * only its newest preview waits for the next write (those it replaced are skipped: the camera's last
 * preview is always stored, so a page opened after a camera ended shows its last frame); a read asked
 * for during a read reads once more after it; a failure only costs that preview.
 */
export class PreviewRelay {
  private readonly writing = new Set<number>();
  /** Per camera, the newest preview that arrived while its write ran. */
  private readonly waiting = new Map<number, { event: FrameEvent; jpeg: Buffer }>();
  private readonly reading = new Map<number, { again: boolean }>();
  /** Per camera, the newest sequence number emitted here: an older reference is stale. */
  private readonly shown = new Map<number, number>();
  private stopped = false;
  private lastError: string | undefined;
  shared = 0;
  skipped = 0;
  fetched = 0;

  constructor(
    private readonly previews: PreviewRepository,
    private readonly out: PreviewRelayOutput,
    private readonly log: { warn(message: string): void } = console,
  ) {}

  /** The camera's latest stored preview (from whichever process runs it); a 404 until one was shared. */
  async latest(cameraId: number): Promise<StoredPreview & { capturedAt: Date }> {
    const preview = await this.previews.latest(cameraId);
    if (!preview) throw notFound(`camera ${cameraId} has no frame yet: it shows one once a Scouter worker runs it`);
    return preview;
  }

  /** Stores a preview this process emitted and tells the other processes; never waits, never throws. */
  share(event: FrameEvent, jpeg: Buffer): void {
    const { cameraId } = event;
    if (this.stopped) return;
    if (this.writing.has(cameraId)) {
      if (this.waiting.has(cameraId)) this.skipped++;
      this.waiting.set(cameraId, { event, jpeg });
      return;
    }
    this.writing.add(cameraId);
    this.previews
      .save({ cameraId, frameIndex: event.frameIndex, width: event.width, height: event.height, jpeg })
      .then((seq) => {
        if (seq === undefined || this.stopped) return;
        this.shared++;
        this.out.publish({ cameraId, seq });
      })
      .catch((err: Error) => this.failed(`camera ${cameraId}: preview not stored for the other Scouter processes (${err.message})`))
      .finally(() => {
        this.writing.delete(cameraId);
        const next = this.waiting.get(cameraId);
        this.waiting.delete(cameraId);
        if (next) this.share(next.event, next.jpeg);
      });
  }

  /** A reference relayed by another process: emits that preview here unless it is stale or nobody watches. */
  receive(ref: FrameRef): void {
    if (this.stopped || !this.out.hasClients() || ref.seq <= (this.shown.get(ref.cameraId) ?? 0)) return;
    const inFlight = this.reading.get(ref.cameraId);
    if (inFlight) inFlight.again = true;
    else void this.fetch(ref.cameraId);
  }

  private async fetch(cameraId: number): Promise<void> {
    const state = { again: false };
    this.reading.set(cameraId, state);
    try {
      do {
        state.again = false;
        const preview = await this.previews.newerThan(cameraId, this.shown.get(cameraId) ?? 0);
        if (!preview || this.stopped) continue;
        this.shown.set(cameraId, preview.seq);
        this.fetched++;
        this.out.emit({ cameraId, frameIndex: preview.frameIndex, width: preview.width, height: preview.height, jpegBase64: preview.jpeg.toString('base64') });
      } while (state.again && !this.stopped && this.out.hasClients());
    } catch (err) {
      this.failed(`camera ${cameraId}: relayed preview not read (${(err as Error).message})`);
    } finally {
      this.reading.delete(cameraId);
    }
  }

  // Logged once per distinct failure: a database outage would otherwise log twice a second per camera.
  private failed(message: string): void {
    if (this.stopped || message === this.lastError) return;
    this.lastError = message;
    this.log.warn(message);
  }

  stop(): void {
    this.stopped = true;
    this.waiting.clear();
  }
}
