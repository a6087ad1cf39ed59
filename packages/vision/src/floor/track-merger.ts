/** One track's floor position at one moment, from one camera. */
export interface FloorSighting {
  readonly trackId: number;
  readonly cameraId: number;
  readonly timeMs: number;
  readonly xMeters: number;
  readonly yMeters: number;
}

/**
 * Joins tracks of different cameras that are the same person: two tracks merge when seen by
 * different cameras within `maxDistanceMeters` of each other and `maxGapMs` apart. A merged group's
 * `personId` is its smallest track id, so it stays stable as tracks join. Tracks of one camera never
 * merge with each other (its tracker already separated them).
 * @example const m = new TrackMerger(); m.add(s1); m.add(s2); m.personId(s2.trackId)
 */
export class TrackMerger {
  private readonly parent = new Map<number, number>();
  private readonly latest = new Map<number, FloorSighting>();
  private readonly cameras = new Map<number, Set<number>>();

  constructor(readonly options: { maxDistanceMeters: number; maxGapMs: number } = { maxDistanceMeters: 1, maxGapMs: 1000 }) {}

  private root(id: number): number {
    let r = id;
    while (this.parent.get(r) !== undefined && this.parent.get(r) !== r) r = this.parent.get(r)!;
    this.parent.set(id, r);
    return r;
  }

  /** Records a sighting and merges its track with a close track of another camera; returns its person id. */
  add(s: FloorSighting): number {
    if (!this.parent.has(s.trackId)) {
      this.parent.set(s.trackId, s.trackId);
      this.cameras.set(s.trackId, new Set([s.cameraId]));
    }
    this.latest.set(s.trackId, s);
    const mine = this.root(s.trackId);
    let best: { root: number; distance: number } | undefined;
    for (const other of this.latest.values()) {
      const otherRoot = this.root(other.trackId);
      if (otherRoot === mine || Math.abs(other.timeMs - s.timeMs) > this.options.maxGapMs) continue;
      // A group holds at most one track per camera: two tracks of one camera are two people.
      const groupCameras = this.cameras.get(otherRoot)!;
      if ([...this.cameras.get(mine)!].some((c) => groupCameras.has(c))) continue;
      const distance = Math.hypot(other.xMeters - s.xMeters, other.yMeters - s.yMeters);
      if (distance <= this.options.maxDistanceMeters && (!best || distance < best.distance)) best = { root: otherRoot, distance };
    }
    if (best) {
      const [keep, drop] = best.root < mine ? [best.root, mine] : [mine, best.root];
      this.parent.set(drop, keep);
      for (const c of this.cameras.get(drop)!) this.cameras.get(keep)!.add(c);
      this.cameras.delete(drop);
    }
    return this.root(s.trackId);
  }

  /** The person a track belongs to (its own id until merged). */
  personId(trackId: number): number {
    return this.parent.has(trackId) ? this.root(trackId) : trackId;
  }

  /** Forgets tracks not seen since `beforeMs` (keeps memory bounded on a long-running service). */
  forget(beforeMs: number): void {
    for (const [id, s] of this.latest) {
      if (s.timeMs < beforeMs) this.latest.delete(id);
    }
  }
}
