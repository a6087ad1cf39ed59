import { ObservationsInsertedNotice, type MarkersEvent } from '@sightline/contracts';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FloorPointRepository } from '../repositories/floor-point.repository.ts';
import type { StationaryRepository } from '../repositories/stationary.repository.ts';
import type { FloorIdentityService } from './floor-identity.service.ts';
import type { LiveMapService } from './live-map.service.ts';
import type { StationaryDetector } from './stationary-detector.ts';

// TypeBox's Value checker knows no formats by itself; the notice's times are ISO 8601 date-times.
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(v) && !Number.isNaN(Date.parse(v)));

/**
 * Turns Scouter's `observations_inserted` notices into floor points and live-marker events. Notices
 * are handled one at a time, in arrival order, so trails never go backwards.
 */
export class IngestService {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly points: FloorPointRepository,
    private readonly identity: FloorIdentityService,
    private readonly liveMap: LiveMapService,
    private readonly emit: (event: MarkersEvent) => void,
    private readonly log: { warn(message: string): void; error(message: string): void },
    private readonly stationary?: { detector: StationaryDetector; spans: StationaryRepository },
  ) {}

  /** Queues one raw NOTIFY payload; a malformed one is logged and dropped (it names what was wrong). */
  handleNotice(payload: string | undefined): void {
    let notice: ObservationsInsertedNotice;
    try {
      const parsed: unknown = JSON.parse(payload ?? '');
      if (!Value.Check(ObservationsInsertedNotice, parsed)) {
        const first = [...Value.Errors(ObservationsInsertedNotice, parsed)][0];
        throw new Error(`${first?.path || 'payload'} ${first?.message ?? 'is invalid'}`);
      }
      notice = parsed;
      if (Number.isNaN(Date.parse(notice.fromTime)) || Number.isNaN(Date.parse(notice.toTime))) throw new Error('fromTime/toTime are not dates');
    } catch (err) {
      this.log.warn(`ignored an observations_inserted notice (${(err as Error).message}): expected {"cameraId": n, "fromTime": iso, "toTime": iso}, got ${payload}`);
      return;
    }
    this.pending++;
    this.queue = this.queue
      .then(async () => {
        await this.ingest(notice);
      })
      .catch((err: Error) => this.log.error(`ingest of camera ${notice.cameraId} ${notice.fromTime}..${notice.toTime} failed: ${err.message}`))
      .finally(() => {
        this.pending--;
      });
  }

  /** Projects one notice's rows, decides who each sample is, stores them, then emits the moved markers. */
  async ingest(notice: ObservationsInsertedNotice): Promise<number> {
    // The notice's times have millisecond precision: to + 1 ms takes in the whole last millisecond.
    const projected = await this.points.project(notice.cameraId, new Date(notice.fromTime), new Date(Date.parse(notice.toTime) + 1));
    if (projected.length === 0) return 0;
    const rows = await this.points.store(projected, this.identity.assign(projected));
    if (this.stationary) {
      const counted = rows.filter((r) => r.counted).map((r) => ({ floorId: r.floorId, cameraId: r.cameraId, trackId: r.trackId, timeMs: r.observedAt.getTime(), xyM: [r.xM, r.yM] as const }));
      await this.stationary.spans.upsert(this.stationary.detector.add(counted));
    }
    // Scouter's tracker ids travel with the markers, so the page can name people as Scouter does.
    const trackerIds = new Map(projected.map((p) => [p.trackId, p.trackerId]));
    if (rows.length > 0) for (const event of this.liveMap.update(rows, trackerIds)) this.emit(event);
    return rows.length;
  }

  /** Runs `work` in the notice queue, so nothing else projects or decides identities meanwhile. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.queue.then(work);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      this.pending--;
    });
    return run;
  }

  /** Resolves once every queued notice is handled (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }
}
