import type { CameraStateEvent, ScouterEvent, TracksEvent } from '@sightline/contracts';
import type { ChannelListener } from '@sightline/db';
import { randomUUID } from 'node:crypto';
import type { LiveBusRepository } from '../repositories/live-bus.repository.ts';

// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD = 7900;
// Events waiting to be relayed; beyond it an event is dropped (live view is best effort). They go
// out in order, several per statement, one statement at a time: one pool connection at most.
// Unbounded, a loaded worker queued hundreds of NOTIFYs a second in the pool in front of its lease
// heartbeat: heartbeats stalled for tens of seconds, leases expired and cameras thrashed between
// workers (services/scouter/bench/workers.bench.ts, 50 cameras x 10 fps, 5 workers). Several
// statements in flight at once (the former cap of 4) could also deliver a camera's frames out of
// order when it published a few back to back (frames the tracker predicts behind a busy engine).
const MAX_QUEUED = 64;
const MAX_PER_STATEMENT = 16;

/** Points at a camera's preview stored in scouter_previews (the JPEG itself never fits a NOTIFY). */
export interface FrameRef {
  readonly cameraId: number;
  readonly seq: number;
}

/** The cameras in the large view of the pages connected to one process (`origin`). */
export interface FocusList {
  readonly origin: string;
  readonly cameraIds: readonly number[];
}

export type RelayedEvent =
  | { kind: 'tracks'; event: TracksEvent }
  | { kind: 'camera-state'; event: CameraStateEvent }
  | { kind: 'frame-ref'; event: FrameRef }
  | { kind: 'event'; event: ScouterEvent }
  | { kind: 'focus'; event: FocusList };

/**
 * Live events across Scouter processes: each worker NOTIFYs the tracks and states of the cameras it
 * runs, and every process re-emits what other processes sent to its own socket.io clients, so a
 * page connected to any Scouter sees every camera. Payloads stay small: one frame's boxes, or for a
 * JPEG preview only a reference to the row holding it (see PreviewRelay). A tracks event too big
 * for one NOTIFY keeps its highest-scoring boxes.
 */
export class LiveRelay {
  readonly origin = randomUUID();
  private listener: ChannelListener | undefined;
  private stopped = false;
  relayed = 0;
  received = 0;
  /** Events not relayed because MAX_QUEUED events were already waiting. */
  dropped = 0;
  private readonly queue: string[] = [];
  private sending = false;

  constructor(
    private readonly bus: LiveBusRepository,
    private readonly deliver: (relayed: RelayedEvent) => void,
    private readonly log: { warn(message: string): void } = console,
  ) {}

  /** Starts listening (reconnecting after a lost connection); resolves after the first attempt. */
  async start(): Promise<void> {
    if (this.stopped) return;
    this.listener ??= this.bus.listen((payload) => this.onNotification(payload), { warn: (m) => this.log.warn(`scouter live relay: ${m}`) });
    await this.listener.firstAttempt;
  }

  private onNotification(payload: string | undefined): void {
    if (!payload) return;
    let message: { origin: string } & RelayedEvent;
    try {
      message = JSON.parse(payload);
    } catch {
      return;
    }
    if (message.origin === this.origin) return;
    this.received++;
    this.deliver({ kind: message.kind, event: message.event } as RelayedEvent);
  }

  /** Sends one of this process's events to the other processes, in publish order (best effort: a failed NOTIFY is dropped). */
  publish(relayed: RelayedEvent): void {
    if (this.stopped) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped++;
      return;
    }
    const payload = fit(this.origin, relayed);
    if (!payload) return;
    this.relayed++;
    this.queue.push(payload);
    if (!this.sending) void this.drain();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        await this.bus.notify(this.queue.splice(0, MAX_PER_STATEMENT)).catch(() => undefined);
      }
    } finally {
      this.sending = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
  }
}

/** The payload, with a tracks event's lowest-scoring boxes left out until it fits; undefined when nothing fits. */
function fit(origin: string, relayed: RelayedEvent): string | undefined {
  let payload = JSON.stringify({ origin, ...relayed });
  if (Buffer.byteLength(payload) < MAX_PAYLOAD) return payload;
  if (relayed.kind !== 'tracks') return undefined;
  const boxes = [...relayed.event.boxes].sort((a, b) => b.score - a.score);
  let keep = boxes.length;
  while (keep > 0) {
    keep = Math.floor(keep * 0.8);
    payload = JSON.stringify({ origin, kind: 'tracks', event: { ...relayed.event, boxes: boxes.slice(0, keep) } });
    if (Buffer.byteLength(payload) < MAX_PAYLOAD) return payload;
  }
  return undefined;
}
