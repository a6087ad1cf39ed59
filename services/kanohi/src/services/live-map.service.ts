import type { FloorXy, LiveMarker, MarkersEvent } from '@sightline/contracts';
import type { FloorPoint } from '../repositories/floor-point.repository.ts';

interface Person {
  personId: number;
  /** The first person of a chain of tracker breaks, as floor-people.ts names floor people. */
  floorPersonId: number;
  trackIds: Set<number>;
  cameraIds: Set<number>;
  trackers: Map<number, { cameraId: number; trackId: number; trackerId: number }>;
  className: string;
  xyM: FloorXy;
  seenAt: Date;
  attributes: Record<string, unknown>;
  trail: FloorXy[];
}

/** Who a track is on a floor: the identity the ingest decided (see FloorIdentityService). */
export interface PersonOf {
  personId(floorId: number, trackId: number): number;
}

export interface LiveMapOptions {
  trailPoints: number;
  /** A person stays on the map this long after last seen (then the page fades them out). */
  graceMs: number;
  /** A new track this close (plus walking speed times the gap) to a person unseen since continues their marker. */
  linkDistanceM?: number;
  linkSpeedMps?: number;
}

/** People seen this close to the latest sample count as tracked now (a few frames at any camera rate). */
const LIVE_WINDOW_MS = 500;

/**
 * The live map's memory: people (tracks of several cameras merged by the identity service) with a
 * short trail each. A person lives while seen plus `graceMs`, then leaves the map. `update` takes
 * freshly stored floor points and returns, per floor touched, every person still on the map, so the
 * page never keeps a marker the server has let go.
 */
export class LiveMapService {
  private readonly floors = new Map<number, { people: Map<number, Person> }>();

  constructor(
    private readonly identity: PersonOf,
    private readonly options: LiveMapOptions,
  ) {}

  update(points: readonly FloorPoint[], trackerIds: ReadonlyMap<number, number> = new Map()): MarkersEvent[] {
    const touched = new Set<number>();
    const updated = new Set<Person>();
    const created: { floorId: number; person: Person; at: number; xy: FloorXy; cameraId: number }[] = [];
    for (const p of points) {
      let floor = this.floors.get(p.floorId);
      if (!floor) {
        floor = { people: new Map() };
        this.floors.set(p.floorId, floor);
      }
      const personId = this.identity.personId(p.floorId, p.trackId);
      // A merge folds the other group's person into this one, keeping the longer trail.
      for (const [id, other] of floor.people) {
        if (id === personId || this.identity.personId(p.floorId, id) !== personId) continue;
        floor.people.delete(id);
        const mine = floor.people.get(personId);
        const kept = !mine || other.trail.length > mine.trail.length ? { ...other, personId } : mine;
        kept.trackIds = new Set([...other.trackIds, ...(mine?.trackIds ?? [])]);
        kept.cameraIds = new Set([...other.cameraIds, ...(mine?.cameraIds ?? [])]);
        kept.trackers = new Map([...other.trackers, ...(mine?.trackers ?? [])]);
        floor.people.set(personId, kept);
      }
      let person = floor.people.get(personId);
      if (!person) {
        person = { personId, floorPersonId: personId, trackIds: new Set(), cameraIds: new Set(), trackers: new Map(), className: p.className, xyM: [p.xM, p.yM], seenAt: p.observedAt, attributes: {}, trail: [] };
        floor.people.set(personId, person);
        created.push({ floorId: p.floorId, person, at: p.observedAt.getTime(), xy: [p.xM, p.yM], cameraId: p.cameraId });
      }
      person.trackIds.add(p.trackId);
      person.cameraIds.add(p.cameraId);
      person.trackers.set(p.trackId, { cameraId: p.cameraId, trackId: p.trackId, trackerId: trackerIds.get(p.trackId) ?? -1 });
      if (p.observedAt >= person.seenAt || person.trail.length === 0) {
        // Two cameras report the same person: the position shown is their latest report.
        person.xyM = [p.xM, p.yM];
        person.seenAt = p.observedAt;
        person.attributes = p.attributes;
        person.trail.push([p.xM, p.yM]);
        if (person.trail.length > this.options.trailPoints) person.trail.splice(0, person.trail.length - this.options.trailPoints);
      }
      touched.add(p.floorId);
      updated.add(person);
    }
    // A tracker break: a person of this camera not seen in this batch, last seen where a new track
    // starts shortly after, keeps walking as the new track's marker (one marker, not two).
    for (const c of created) {
      const people = this.floors.get(c.floorId)!.people;
      const predecessor = this.predecessor([...people.values()].filter((p) => !updated.has(p)), c);
      if (!predecessor) continue;
      people.delete(predecessor.personId);
      c.person.trail = [...predecessor.trail, ...c.person.trail].slice(-this.options.trailPoints);
      c.person.floorPersonId = predecessor.floorPersonId;
    }
    return [...touched].map((floorId) => this.snapshot(floorId));
  }

  /** Everyone on a floor now: people seen within the grace of the floor's latest sample. */
  private snapshot(floorId: number): MarkersEvent {
    const floor = this.floors.get(floorId)!;
    const latest = Math.max(...[...floor.people.values()].map((p) => p.seenAt.getTime()));
    for (const [id, p] of floor.people) if (p.seenAt.getTime() < latest - this.options.graceMs) floor.people.delete(id);
    const markers = [...floor.people.values()].map((p) => this.toMarker(p));
    const liveCount = markers.filter((m) => Date.parse(m.seenAt) >= latest - LIVE_WINDOW_MS).length;
    return { floorId, at: new Date(latest).toISOString(), graceMs: this.options.graceMs, liveCount, markers };
  }

  /** The closest of `people` last seen before a new track's first sample (within the grace) and within reach of it. */
  private predecessor(people: readonly Person[], c: { at: number; xy: FloorXy; cameraId: number }): Person | undefined {
    let best: { person: Person; distance: number } | undefined;
    for (const person of people) {
      const gapMs = c.at - person.seenAt.getTime();
      if (gapMs <= 0 || gapMs > this.options.graceMs || !person.cameraIds.has(c.cameraId)) continue;
      const distance = Math.hypot(person.xyM[0] - c.xy[0], person.xyM[1] - c.xy[1]);
      const reach = (this.options.linkDistanceM ?? 1) + ((this.options.linkSpeedMps ?? 1.5) * gapMs) / 1000;
      if (distance <= reach && (!best || distance < best.distance)) best = { person, distance };
    }
    return best?.person;
  }

  private toMarker(p: Person): LiveMarker {
    return {
      personId: p.personId,
      trackIds: [...p.trackIds].sort((a, b) => a - b),
      cameraIds: [...p.cameraIds].sort((a, b) => a - b),
      className: p.className,
      xyM: p.xyM,
      seenAt: p.seenAt.toISOString(),
      attributes: p.attributes,
      trail: [...p.trail],
      trackers: [...p.trackers.values()].sort((a, b) => a.trackId - b.trackId),
      floorPersonId: p.floorPersonId,
    };
  }
}
