import type { CountsResponse, LineStatsResponse, PeopleResponse, ZoneStatsResponse } from '@sightline/contracts';

/** RFC 4180 CSV: a header row, then one line per row; fields with commas, quotes or newlines are quoted. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const field = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

// The `format=csv` answers of the statistics routes: the JSON answers as tables. Every row names
// its window (UTC), so a file read on its own says what it covers.
type Window = { from: string; to: string };
const iso = (time: string) => new Date(time).toISOString();

export function countsCsv(r: CountsResponse, w: Window): string {
  return toCsv(['window_from', 'window_to', 'bucket_start', 'group', 'tracks'], r.buckets.map((b) => [iso(w.from), iso(w.to), b.start, b.group, b.tracks]));
}

export function zonesCsv(r: ZoneStatsResponse, w: Window): string {
  return toCsv(['window_from', 'window_to', 'zone_id', 'zone', 'bucket_start', 'tracks'], r.zones.flatMap((z) => z.buckets.map((b) => [iso(w.from), iso(w.to), z.zoneId, z.name, b.start, b.tracks])));
}

export function linesCsv(r: LineStatsResponse, w: Window): string {
  return toCsv(['window_from', 'window_to', 'line_id', 'line', 'bucket_start', 'in', 'out'], r.lines.flatMap((l) => l.buckets.map((b) => [iso(w.from), iso(w.to), l.lineId, l.name, b.start, b.in, b.out])));
}

export function peopleCsv(r: PeopleResponse): string {
  return toCsv(
    ['window_from', 'window_to', 'bucket_start', 'bucket_seconds', 'people_present_mean', 'people_present_max', 'zone_entries'],
    r.buckets.map((b) => [r.from, r.to, b.start, r.bucketSeconds, b.meanPresent.toFixed(3), b.maxPresent, b.entries]),
  );
}
