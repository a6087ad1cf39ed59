/**
 * Floor people: who is who on a floor over a time window, for counts a floor manager can trust.
 *
 * A tracker breaks identities (occlusions, people crossing, a missed frame or two): every break
 * starts a new track id, and counting track ids counts one walker many times. Here the pieces
 * (fragments: one person id of the cross-camera merge each, its first and last floor position and
 * time) are linked again on the floor: a fragment that starts shortly after another one ended, close
 * to where that one was last seen (a walking pace away at most), continues it, unless what is known
 * of their appearance (class, and Scouter's gender and age band when its attribute heads run)
 * differs. Fragments shorter than a minimum dwell are noise (a flicker, a false detection) and
 * count for nothing. Pure functions: the stats service feeds them from SQL, the benchmark from
 * ground truth.
 */

export interface Fragment {
  /** The cross-camera person id of the ingest (floor_identities), or the track id. */
  readonly id: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly startXy: readonly [number, number];
  readonly endXy: readonly [number, number];
  /**
   * What the detector and Scouter's attribute heads said the fragment is (class, gender, age band:
   * the most frequent value of its samples; '' or absent when not estimated). Two fragments whose
   * known values differ are never the same person, however well place and time fit.
   */
  readonly appearance?: Readonly<Record<string, string>>;
}

/** True when both fragments know a value of the same appearance key and the values differ. */
export function appearanceConflicts(a: Fragment, b: Fragment): boolean {
  if (!a.appearance || !b.appearance) return false;
  for (const [key, value] of Object.entries(a.appearance)) {
    const other = b.appearance[key];
    if (value && other && value !== other) return true;
  }
  return false;
}

export interface LinkOptions {
  /** A fragment may continue one that ended at most this long before it started. */
  readonly maxGapMs: number;
  /** ...at most this far from where that one ended, plus `maxSpeedMps` times the gap. */
  readonly maxDistanceM: number;
  readonly maxSpeedMps: number;
  /** Fragments seen for less than this are ignored (not counted, not linked). */
  readonly minDwellMs: number;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { maxGapMs: 3000, maxDistanceM: 1, maxSpeedMps: 1.5, minDwellMs: 700 };

export interface FloorPeople {
  /** Per kept fragment id: its floor person (the id of the first fragment of its chain). */
  readonly personOf: ReadonlyMap<number, number>;
  /** Fragment ids seen for less than the minimum dwell: not counted. */
  readonly ignored: readonly number[];
  /** Links made: [earlier fragment id, later fragment id]. */
  readonly links: readonly [number, number][];
}

/**
 * Links fragments into floor people. Every possible continuation (a later fragment starting after
 * an earlier one ended, within the gap and reach) is a candidate; the closest candidates are taken
 * first, and each fragment continues at most one and is continued by at most one, so two people
 * never become one by sharing a predecessor. Fragments that overlap in time are never linked: two
 * boxes at the same moment are two people.
 * @example linkFragments([{ id: 1, startMs: 0, endMs: 5000, ... }, { id: 2, startMs: 5400, ... }]).personOf.get(2) // 1
 */
export function linkFragments(fragments: readonly Fragment[], options: LinkOptions = DEFAULT_LINK_OPTIONS): FloorPeople {
  // Fragments seen for less than the minimum dwell (flickers, passing false detections) are no one:
  // left out before linking, so they cannot bridge two people either.
  const short = (f: Fragment) => f.endMs - f.startMs < options.minDwellMs;
  const sorted = fragments.filter((f) => !short(f)).sort((a, b) => a.startMs - b.startMs || a.id - b.id);
  const candidates: { from: Fragment; to: Fragment; cost: number }[] = [];
  for (const to of sorted) {
    for (const from of sorted) {
      if (from === to || from.endMs >= to.startMs || appearanceConflicts(from, to)) continue;
      const gapMs = to.startMs - from.endMs;
      if (gapMs > options.maxGapMs) continue;
      const distance = Math.hypot(to.startXy[0] - from.endXy[0], to.startXy[1] - from.endXy[1]);
      const reach = options.maxDistanceM + (options.maxSpeedMps * gapMs) / 1000;
      // Cost: the share of the reach used, so a short gap does not lose to a long one.
      if (distance <= reach) candidates.push({ from, to, cost: distance / reach + gapMs / options.maxGapMs / 10 });
    }
  }
  candidates.sort((a, b) => a.cost - b.cost || a.to.startMs - b.to.startMs);
  const next = new Map<number, number>();
  const previous = new Map<number, number>();
  for (const c of candidates) {
    if (next.has(c.from.id) || previous.has(c.to.id)) continue;
    next.set(c.from.id, c.to.id);
    previous.set(c.to.id, c.from.id);
  }
  const personOf = new Map<number, number>();
  const ignored = fragments.filter(short).map((f) => f.id);
  const links: [number, number][] = [];
  for (const f of sorted) {
    if (previous.has(f.id)) continue;
    const chain: number[] = [];
    for (let id: number | undefined = f.id; id !== undefined; id = next.get(id)) chain.push(id);
    for (const [i, id] of chain.entries()) {
      personOf.set(id, f.id);
      if (i > 0) links.push([chain[i - 1]!, id]);
    }
  }
  return { personOf, ignored: ignored.sort((a, b) => a - b), links };
}

/**
 * Where a floor person was while the tracker lost them: one sample per whole second inside each
 * gap between linked fragments, on the straight line between where they were lost and found.
 */
export function gapSamples(fragments: readonly Fragment[], people: FloorPeople): PersonSample[] {
  const byId = new Map(fragments.map((f) => [f.id, f]));
  const out: PersonSample[] = [];
  for (const [fromId, toId] of people.links) {
    const a = byId.get(fromId)!;
    const b = byId.get(toId)!;
    const person = people.personOf.get(toId)!;
    for (let t = Math.floor(a.endMs / 1000) * 1000 + 1000; t < b.startMs; t += 1000) {
      const k = (t - a.endMs) / (b.startMs - a.endMs);
      out.push({ person, timeMs: t, xy: [a.endXy[0] + k * (b.startXy[0] - a.endXy[0]), a.endXy[1] + k * (b.startXy[1] - a.endXy[1])] });
    }
  }
  return out;
}

/** One floor sample of a person (after linking): time and position. */
export interface PersonSample {
  readonly person: number;
  readonly timeMs: number;
  readonly xy: readonly [number, number];
}

/**
 * People present per second: for each whole second in [fromMs, toMs), how many distinct people have
 * a sample in it. The definition the dashboard's "people present" and the benchmark's truth share.
 */
export function peoplePresentPerSecond(samples: readonly PersonSample[], fromMs: number, toMs: number): number[] {
  const seconds = Math.max(0, Math.ceil((toMs - fromMs) / 1000));
  const sets = Array.from({ length: seconds }, () => new Set<number>());
  for (const s of samples) {
    const i = Math.floor((s.timeMs - fromMs) / 1000);
    if (i >= 0 && i < seconds) sets[i]!.add(s.person);
  }
  return sets.map((s) => s.size);
}

/**
 * Entries into an area: a person's first sample inside after a sample outside, or their first
 * sample at all when inside (they appeared there). Samples in time order per person.
 */
export function countEntries(samples: readonly PersonSample[], inside: (xy: readonly [number, number]) => boolean): { entries: number; people: number; times: number[] } {
  const byPerson = new Map<number, PersonSample[]>();
  for (const s of samples) {
    const list = byPerson.get(s.person) ?? [];
    list.push(s);
    byPerson.set(s.person, list);
  }
  const times: number[] = [];
  let people = 0;
  for (const list of byPerson.values()) {
    list.sort((a, b) => a.timeMs - b.timeMs);
    let was = false;
    let entered = false;
    for (const s of list) {
      const is = inside(s.xy);
      if (is && !was) {
        times.push(s.timeMs);
        entered = true;
      }
      was = is;
    }
    if (entered) people++;
  }
  return { entries: times.length, people, times: times.sort((a, b) => a - b) };
}
