import { LeadCameraFilter, TrackMerger } from '@sightline/vision';
import type { FloorPoint, IdentityDecision, ProjectedPoint } from '../repositories/floor-point.repository.ts';

/** How a sample takes part: new (decided here), or stored before (counted or not) as context. */
export type SampleRole = 'new' | 'counted' | 'uncounted';

/**
 * Cross-camera identity per floor: tracks of different cameras close in place and time are one
 * person (TrackMerger), and one camera at a time speaks for a person (LeadCameraFilter), so
 * statistics count each person once. The live ingest keeps one instance; a backfill its own.
 */
export class FloorIdentityService {
  private readonly floors = new Map<number, { merger: TrackMerger; lead: LeadCameraFilter; latestMs: number }>();

  constructor(private readonly options: { mergeDistanceM: number; mergeGapMs: number; handoverMs: number; forgetAfterMs?: number }) {}

  private floor(floorId: number) {
    let f = this.floors.get(floorId);
    if (!f) {
      f = { merger: new TrackMerger({ maxDistanceMeters: this.options.mergeDistanceM, maxGapMs: this.options.mergeGapMs }), lead: new LeadCameraFilter({ handoverMs: this.options.handoverMs }), latestMs: 0 };
      this.floors.set(floorId, f);
    }
    return f;
  }

  /**
   * Decides identities for `points` (in time order). `context` are stored samples of the same
   * floors and times, fed first in time order with them so new samples meet the people already counted.
   */
  assign(points: readonly ProjectedPoint[], context: readonly FloorPoint[] = []): IdentityDecision {
    const all: { p: Pick<FloorPoint, 'floorId' | 'cameraId' | 'trackId' | 'observedAt' | 'xM' | 'yM'>; role: SampleRole; index: number }[] = [
      ...context.map((p) => ({ p, role: (p.counted ? 'counted' : 'uncounted') as SampleRole, index: -1 })),
      ...points.map((p, index) => ({ p, role: 'new' as SampleRole, index })),
    ];
    all.sort((a, b) => a.p.observedAt.getTime() - b.p.observedAt.getTime());
    const counted = points.map(() => false);
    const merges: IdentityDecision['merges'] = [];
    for (const { p, role, index } of all) {
      const floor = this.floor(p.floorId);
      const timeMs = p.observedAt.getTime();
      floor.merger.add({ trackId: p.trackId, cameraId: p.cameraId, timeMs, xMeters: p.xM, yMeters: p.yM });
      for (const [dropId, keepId] of floor.merger.takeMerges()) {
        floor.lead.merge(dropId, keepId);
        merges.push({ floorId: p.floorId, dropId, keepId });
      }
      if (role === 'uncounted') continue;
      const admitted = floor.lead.admit(floor.merger.personId(p.trackId), p.cameraId, timeMs, role === 'counted');
      if (role === 'new') counted[index] = admitted;
      floor.latestMs = Math.max(floor.latestMs, timeMs);
    }
    const identities = new Map<number, IdentityDecision['identities'][number]>();
    for (const p of points) identities.set(p.trackId, { trackId: p.trackId, floorId: p.floorId, cameraId: p.cameraId, personId: this.personId(p.floorId, p.trackId) });
    for (const f of this.floors.values()) {
      const before = f.latestMs - (this.options.forgetAfterMs ?? 60_000);
      f.merger.forget(before);
      f.lead.forget(before);
    }
    return { counted, identities: [...identities.values()], merges };
  }

  /** The person a track is on its floor (the track's own id until merged). */
  personId(floorId: number, trackId: number): number {
    return this.floors.get(floorId)?.merger.personId(trackId) ?? trackId;
  }
}
