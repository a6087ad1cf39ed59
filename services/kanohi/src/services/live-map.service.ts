import type { FloorXy, LiveMarker, MarkersEvent } from '@sightline/contracts';
import type { FloorPointRow } from '../repositories/floor-point.repository.ts';

interface Person {
  personId: number;
  trackIds: Set<number>;
  cameraIds: Set<number>;
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

/**
 * The live map's memory: people (tracks of several cameras merged by the identity service) with a
 * short trail each. `update` takes freshly stored floor points and returns one event per floor touched.
 */
export class LiveMapService {
  private readonly floors = new Map<number, { people: Map<number, Person> }>();

  constructor(
    private readonly identity: PersonOf,
    private readonly options: { trailPoints: number; forgetAfterMs?: number },
  ) {}

  update(points: readonly FloorPointRow[]): MarkersEvent[] {
    const touched = new Map<number, Set<number>>();
    for (const p of points) {
      let floor = this.floors.get(p.floor_id);
      if (!floor) {
        floor = { people: new Map() };
        this.floors.set(p.floor_id, floor);
      }
      const personId = this.identity.personId(p.floor_id, p.track_id);
      // A merge folds the other group's person into this one, keeping the longer trail.
      for (const [id, other] of floor.people) {
        if (id === personId || this.identity.personId(p.floor_id, id) !== personId) continue;
        floor.people.delete(id);
        const mine = floor.people.get(personId);
        const kept = !mine || other.trail.length > mine.trail.length ? { ...other, personId } : mine;
        kept.trackIds = new Set([...other.trackIds, ...(mine?.trackIds ?? [])]);
        kept.cameraIds = new Set([...other.cameraIds, ...(mine?.cameraIds ?? [])]);
        floor.people.set(personId, kept);
      }
      let person = floor.people.get(personId);
      if (!person) {
        person = { personId, trackIds: new Set(), cameraIds: new Set(), className: p.class_name, xyM: [p.x_m, p.y_m], seenAt: p.observed_at, attributes: {}, trail: [] };
        floor.people.set(personId, person);
      }
      person.trackIds.add(p.track_id);
      person.cameraIds.add(p.camera_id);
      if (p.observed_at >= person.seenAt || person.trail.length === 0) {
        // Two cameras report the same person: the position shown is their latest report.
        person.xyM = [p.x_m, p.y_m];
        person.seenAt = p.observed_at;
        person.attributes = p.attributes;
        person.trail.push([p.x_m, p.y_m]);
        if (person.trail.length > this.options.trailPoints) person.trail.splice(0, person.trail.length - this.options.trailPoints);
      }
      if (!touched.has(p.floor_id)) touched.set(p.floor_id, new Set());
      touched.get(p.floor_id)!.add(personId);
    }
    const events: MarkersEvent[] = [];
    for (const [floorId, ids] of touched) {
      const floor = this.floors.get(floorId)!;
      const markers: LiveMarker[] = [...ids].flatMap((id) => {
        const person = floor.people.get(this.identity.personId(floorId, id));
        return person ? [this.toMarker(person)] : [];
      });
      const latest = Math.max(...markers.map((m) => Date.parse(m.seenAt)));
      events.push({ floorId, at: new Date(latest).toISOString(), markers: dedupe(markers) });
      this.forget(floor, latest - (this.options.forgetAfterMs ?? 60_000));
    }
    return events;
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
    };
  }

  private forget(floor: { people: Map<number, Person> }, beforeMs: number): void {
    for (const [id, p] of floor.people) if (p.seenAt.getTime() < beforeMs) floor.people.delete(id);
  }
}

function dedupe(markers: LiveMarker[]): LiveMarker[] {
  const seen = new Map<number, LiveMarker>();
  for (const m of markers) seen.set(m.personId, m);
  return [...seen.values()];
}
