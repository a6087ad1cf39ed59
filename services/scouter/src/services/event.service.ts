import type { EventQuery, ScouterEvent } from '@sightline/contracts';
import { HttpError } from '@sightline/server-kit';
import type { EventRepository, NewEvent } from '../repositories/event.repository.ts';
import type { WebhookService } from './webhook.service.ts';

export interface EventSettings {
  readonly attributeMinConfidence: number;
  readonly eventRetentionHours: number;
  readonly eventMaxPerCamera: number;
}

const PRUNE_EVERY_MS = 60_000;

/**
 * Events of tracked objects: stored with their snapshot, announced to browsers (this process's and,
 * through the live relay, the others'), sent to webhooks; listed newest first with filters; deleted
 * past the retention limits once a minute.
 */
export class EventService {
  private timer: NodeJS.Timeout | undefined;
  recorded = 0;

  constructor(
    private readonly events: EventRepository,
    private readonly webhooks: WebhookService,
    private readonly announce: (event: ScouterEvent) => void,
    private readonly settings: EventSettings,
    private readonly log: { warn(message: string): void } = console,
  ) {}

  /** Stores and announces one event; an event of a camera removed meanwhile is dropped. Never throws. */
  async record(event: NewEvent): Promise<ScouterEvent | undefined> {
    try {
      const stored = await this.events.insert(event);
      if (!stored) return undefined;
      this.recorded++;
      this.announce(stored);
      void this.webhooks.dispatch(stored);
      return stored;
    } catch (err) {
      this.log.warn(`camera ${event.cameraId}: event ${event.kind} not stored (${(err as Error).message})`);
      return undefined;
    }
  }

  list(query: EventQuery): Promise<ScouterEvent[]> {
    return this.events.list(query, this.settings.attributeMinConfidence);
  }

  async snapshot(id: number): Promise<Buffer> {
    const jpeg = await this.events.snapshot(id);
    if (!jpeg) throw new HttpError(404, `No snapshot for event ${id} (the event is unknown, was deleted by retention, or has no snapshot)`);
    return jpeg;
  }

  /** Deletes what is past the retention limits now; returns how many events went. */
  prune(): Promise<number> {
    return this.events.prune(this.settings.eventRetentionHours, this.settings.eventMaxPerCamera);
  }

  startPruning(): void {
    this.timer ??= setInterval(() => void this.prune().catch((err: Error) => this.log.warn(`events not pruned: ${err.message}`)), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
