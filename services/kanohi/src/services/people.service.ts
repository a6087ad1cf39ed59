import { PEOPLE_DEFINITIONS, type HoursQuery, type HoursResponse, type IdentitiesResponse, type PeopleQuery, type PeopleResponse } from '@sightline/contracts';
import { PolygonZone } from '@sightline/vision';
import { HttpError } from '@sightline/server-kit';
import { missing } from '../lib/missing.ts';
import type { FloorRepository } from '../repositories/floor.repository.ts';
import type { PeopleRepository, TrackRow } from '../repositories/people.repository.ts';
import type { ZoneRepository } from '../repositories/zone.repository.ts';
import { countEntries, gapSamples, linkFragments, peoplePresentPerSecond, type LinkOptions, type PersonSample } from './floor-people.ts';

const MAX_RANGE_MS = 24 * 3600 * 1000;
const iso = (d: Date | number) => new Date(d).toISOString();

/**
 * Honest people counts of a floor: tracker fragments re-joined into floor people (floor-people.ts),
 * people present per second, zone entries and unique visitors, each stated with what it counts;
 * and the identity mapping (floor person -> Scouter camera and tracker ids) to cross-check them.
 */
export class PeopleService {
  constructor(
    private readonly floors: FloorRepository,
    private readonly people: PeopleRepository,
    private readonly zones: ZoneRepository,
    private readonly link: LinkOptions,
  ) {}

  /** The hours with data, so history play-back skips empty spans. */
  async hours(floorId: number, query: HoursQuery): Promise<HoursResponse> {
    const { from, to } = await this.window(floorId, query, 366 * 24 * 3600 * 1000);
    return { hours: (await this.people.hoursWithData(floorId, from, to)).map((h) => ({ start: iso(h.start), samples: h.samples })) };
  }

  private async window(floorId: number, query: { from: string; to: string }, maxMs = MAX_RANGE_MS): Promise<{ from: Date; to: Date }> {
    if (!(await this.floors.get(floorId))) throw missing(`Floor ${floorId}`);
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (!(to > from)) throw new HttpError(400, `"to" (${query.to}) must be after "from" (${query.from})`);
    if (to.getTime() - from.getTime() > maxMs) throw new HttpError(400, `the window is longer than ${maxMs === MAX_RANGE_MS ? 'a day (people are counted over at most a day)' : 'a year'}: ask for a shorter one`);
    return { from, to };
  }

  /** Floor people of a window: which fragment belongs to whom, and the samples per second of each. */
  private async floorPeople(floorId: number, from: Date, to: Date, excludeStationary: boolean) {
    const fragments = (await this.people.fragments(floorId, from, to, excludeStationary)).map((r) => ({ id: r.id, startMs: r.start_ms, endMs: r.end_ms, startXy: [r.start_x, r.start_y] as const, endXy: [r.end_x, r.end_y] as const, appearance: { className: r.class_name, gender: r.gender, ageBand: r.age_band } }));
    const linked = linkFragments(fragments, this.link);
    return { fragments, linked };
  }

  async counts(floorId: number, query: PeopleQuery): Promise<PeopleResponse> {
    const { from, to } = await this.window(floorId, query);
    const bucketSeconds = query.bucketSeconds ?? 60;
    const excludeStationary = (query.stationary ?? 'exclude') === 'exclude';
    const [{ fragments, linked }, rows, zones] = await Promise.all([this.floorPeople(floorId, from, to, excludeStationary), this.people.secondSamples(floorId, from, to, excludeStationary), this.zones.zones(floorId).then((all) => all.filter((z) => z.kind === 'zone'))]);
    // A person lost by the tracker for a moment is still present: the gaps of their chain count.
    const samples: PersonSample[] = rows.flatMap((r) => {
      const person = linked.personOf.get(r.id);
      return person === undefined ? [] : [{ person, timeMs: r.t_ms, xy: [r.x, r.y] as const }];
    }).concat(gapSamples(fragments, linked));
    // Buckets are aligned to the epoch (as the other statistics), clipped to the window.
    const bucketMs = bucketSeconds * 1000;
    const firstBucket = Math.floor(from.getTime() / bucketMs) * bucketMs;
    const perSecond = peoplePresentPerSecond(samples, from.getTime(), to.getTime());
    const zoneEntries = zones.map((z) => {
      const polygon = new PolygonZone(z.polygonXy);
      return { zone: z, result: countEntries(samples, (xy) => polygon.contains(xy)) };
    });
    const buckets: PeopleResponse['buckets'] = [];
    for (let start = firstBucket; start < to.getTime(); start += bucketMs) {
      const a = Math.max(0, Math.floor((start - from.getTime()) / 1000));
      const b = Math.min(perSecond.length, Math.ceil((start + bucketMs - from.getTime()) / 1000));
      const seconds = perSecond.slice(a, b);
      if (seconds.every((n) => n === 0)) continue;
      const entries = zoneEntries.reduce((s, z) => s + z.result.times.filter((t) => t >= start && t < start + bucketMs).length, 0);
      buckets.push({ start: iso(start), meanPresent: seconds.reduce((s, n) => s + n, 0) / seconds.length, maxPresent: Math.max(...seconds), entries });
    }
    return {
      floorId,
      from: iso(from),
      to: iso(to),
      bucketSeconds,
      definitions: { ...PEOPLE_DEFINITIONS },
      stationaryExcluded: excludeStationary,
      uniqueVisitors: new Set(linked.personOf.values()).size,
      fragments: { total: fragments.length, ignored: linked.ignored.length, links: linked.links.length, minDwellSeconds: this.link.minDwellMs / 1000 },
      buckets,
      zones: zoneEntries.map(({ zone, result }) => ({ zoneId: zone.id, name: zone.name, entries: result.entries, uniqueVisitors: result.people })),
    };
  }

  /** Floor people of the window with every track they are made of (Scouter's camera and tracker ids). */
  async identities(floorId: number, query: PeopleQuery): Promise<IdentitiesResponse> {
    const { from, to } = await this.window(floorId, query);
    const [{ linked }, tracks] = await Promise.all([this.floorPeople(floorId, from, to, (query.stationary ?? 'exclude') === 'exclude'), this.people.tracks(floorId, from, to)]);
    const people = new Map<number, IdentitiesResponse['people'][number]>();
    const ignored: IdentitiesResponse['ignored'] = [];
    const toTrack = (t: TrackRow, counted: boolean) => ({ cameraId: t.cameraId, trackId: t.trackId, trackerId: t.trackerId ?? -1, personId: t.personId, firstSeen: iso(t.firstSeen), lastSeen: iso(t.lastSeen), counted });
    for (const t of tracks) {
      const floorPersonId = linked.personOf.get(t.personId);
      if (floorPersonId === undefined) {
        ignored.push(toTrack(t, false));
        continue;
      }
      const person = people.get(floorPersonId) ?? { floorPersonId, firstSeen: iso(t.firstSeen), lastSeen: iso(t.lastSeen), tracks: [] };
      person.tracks.push(toTrack(t, true));
      if (iso(t.lastSeen) > person.lastSeen) person.lastSeen = iso(t.lastSeen);
      people.set(floorPersonId, person);
    }
    return { floorId, from: iso(from), to: iso(to), people: [...people.values()], ignored };
  }
}
