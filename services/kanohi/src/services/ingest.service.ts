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
 * are handled in arrival order, so trails never go backwards; those that arrived while the previous
 * batch ran are handled together (at most `maxBatch`): one projection statement, one identity pass
 * and one store transaction for all of them, instead of one round of each per notice.
 */
export class IngestService {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private waiting: ObservationsInsertedNotice[] = [];

  constructor(
    private readonly points: FloorPointRepository,
    private readonly identity: FloorIdentityService,
    private readonly liveMap: LiveMapService,
    private readonly emit: (event: MarkersEvent) => void,
    private readonly log: { warn(message: string): void; error(message: string): void },
    private readonly stationary?: { detector: StationaryDetector; spans: StationaryRepository },
    private readonly maxBatch = 32,
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
    this.waiting.push(notice);
    // One queued turn per notice: a turn takes every notice waiting by then (up to maxBatch), so
    // later turns find fewer or none; the queue keeps the order with backfills' exclusive work.
    this.pending++;
    this.queue = this.queue
      .then(async () => {
        const batch = this.waiting.splice(0, this.maxBatch);
        if (batch.length > 0) await this.ingestBatch(batch);
      })
      .catch((err: Error) => this.log.error(`ingest failed: ${err.message}`))
      .finally(() => {
        this.pending--;
      });
  }

  /** Projects one notice's rows, decides who each sample is, stores them, then emits the moved markers. */
  async ingest(notice: ObservationsInsertedNotice): Promise<number> {
    return this.ingestNotices([notice]);
  }

  /**
   * Ingests several notices as one batch; if the batch fails, each notice is tried on its own, so
   * one bad notice loses only its own rows (each failure is logged). Returns the points stored.
   */
  async ingestBatch(notices: readonly ObservationsInsertedNotice[]): Promise<number> {
    try {
      return await this.ingestNotices(notices);
    } catch (err) {
      if (notices.length === 1) {
        this.log.error(`ingest of ${describe(notices[0]!)} failed: ${(err as Error).message}`);
        return 0;
      }
      let stored = 0;
      for (const notice of notices) stored += await this.ingestBatch([notice]);
      return stored;
    }
  }

  private async ingestNotices(notices: readonly ObservationsInsertedNotice[]): Promise<number> {
    // The notice's times have millisecond precision: to + 1 ms takes in the whole last millisecond.
    const projected = await this.points.projectMany(notices.map((n) => ({ cameraId: n.cameraId, from: new Date(n.fromTime), to: new Date(Date.parse(n.toTime) + 1) })));
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

const describe = (n: ObservationsInsertedNotice) => `camera ${n.cameraId} ${n.fromTime}..${n.toTime}`;
