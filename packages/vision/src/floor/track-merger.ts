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
 * different cameras within `maxDistanceMeters` of each other and `maxGapMs` apart. A sighting is
 * compared with each other track's sighting nearest in time (a few seconds of history are kept),
 * so cameras whose batches arrive one after the other still merge at their first common moment. A merged group's
 * `personId` is its smallest track id, so it stays stable as tracks join. Tracks of one camera never
 * merge with each other (its tracker already separated them).
 * @example const m = new TrackMerger(); m.add(s1); m.add(s2); m.personId(s2.trackId)
 */
export class TrackMerger {
  private readonly parent = new Map<number, number>();
  private readonly history = new Map<number, FloorSighting[]>();
  private readonly cameras = new Map<number, Set<number>>();
  private merges: [number, number][] = [];

  constructor(readonly options: { maxDistanceMeters: number; maxGapMs: number; historyMs?: number } = { maxDistanceMeters: 1, maxGapMs: 1000 }) {}

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
    const own = this.history.get(s.trackId) ?? [];
    own.push(s);
    if (own.length > 1 && own.at(-2)!.timeMs > s.timeMs) own.sort((a, b) => a.timeMs - b.timeMs);
    const keepMs = this.options.historyMs ?? Math.max(5000, 5 * this.options.maxGapMs);
    while (own.length > 1 && own[0]!.timeMs < own.at(-1)!.timeMs - keepMs) own.shift();
    this.history.set(s.trackId, own);
    const mine = this.root(s.trackId);
    let best: { root: number; distance: number } | undefined;
    for (const [trackId, sightings] of this.history) {
      const otherRoot = this.root(trackId);
      if (otherRoot === mine) continue;
      const other = nearestInTime(sightings, s.timeMs);
      if (Math.abs(other.timeMs - s.timeMs) > this.options.maxGapMs) continue;
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
      this.merges.push([drop, keep]);
    }
    return this.root(s.trackId);
  }

  /** The person a track belongs to (its own id until merged). */
  personId(trackId: number): number {
    return this.parent.has(trackId) ? this.root(trackId) : trackId;
  }

  /**
   * The merges since the last call, as [dropped person id, kept person id] in the order they
   * happened, so a caller that stored person ids can rewrite them.
   * @example for (const [drop, keep] of merger.takeMerges()) rename(drop, keep)
   */
  takeMerges(): [number, number][] {
    const out = this.merges;
    this.merges = [];
    return out;
  }

  /** Forgets tracks not seen since `beforeMs` (keeps memory bounded on a long-running service). */
  forget(beforeMs: number): void {
    for (const [id, sightings] of this.history) {
      if (sightings.at(-1)!.timeMs < beforeMs) this.history.delete(id);
    }
  }
}

/** The sighting closest to `timeMs` in a time-sorted, non-empty list. */
function nearestInTime(sightings: readonly FloorSighting[], timeMs: number): FloorSighting {
  let lo = 0;
  let hi = sightings.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sightings[mid]!.timeMs < timeMs) lo = mid + 1;
    else hi = mid;
  }
  const after = sightings[lo]!;
  const before = sightings[lo - 1];
  return before && timeMs - before.timeMs < after.timeMs - timeMs ? before : after;
}
