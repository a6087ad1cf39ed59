import type { CountLine, CountsResponse, Floor, FloorAttributesResponse, LineStatsResponse, Zone, ZoneStatsResponse } from '@sightline/contracts';
import { useEffect, useState } from 'react';
import { Rename } from './Rename.tsx';
import { TimeChart } from './TimeChart.tsx';
import { kanohi } from './api.ts';
import type { Filters } from './HeatmapPanel.tsx';

export const bucketFor = (range: { from: string; to: string }) => Math.max(10, Math.round((Date.parse(range.to) - Date.parse(range.from)) / 1000 / 30));

/** Tracked identities over time (by group), zone dwell, line in/out counts, with CSV downloads; zones and lines renamed or deleted here. */
export function StatsPanel(props: {
  floor: Floor; range: { from: string; to: string }; filters: Filters; attributes: FloorAttributesResponse['attributes']; zones: Zone[]; lines: CountLine[]; refreshKey: number;
  onDeleteZone: (id: number) => void; onDeleteLine: (id: number) => void; onRenameZone: (id: number, name: string) => Promise<void>; onRenameLine: (id: number, name: string) => Promise<void>;
}) {
  const { floor, range, filters } = props;
  const [groupBy, setGroupBy] = useState('none');
  const [counts, setCounts] = useState<CountsResponse>();
  const [zoneStats, setZoneStats] = useState<ZoneStatsResponse>();
  const [lineStats, setLineStats] = useState<LineStatsResponse>();
  const [csv, setCsv] = useState<Record<string, string>>({});
  const bucketSeconds = bucketFor(range);

  useEffect(() => {
    let stale = false;
    const q = { ...range, ...filters, bucketSeconds };
    void Promise.all([kanohi.counts(floor.id, { ...q, groupBy }), kanohi.zoneStats(floor.id, q), kanohi.lineStats(floor.id, q)]).then(([c, z, l]) => {
      if (stale) return;
      setCounts(c);
      setZoneStats(z);
      setLineStats(l);
    });
    void Promise.all((['counts', 'zones', 'lines'] as const).map(async (k) => [k, await kanohi.csvUrl(floor.id, k, { ...q, groupBy })] as const)).then((entries) => !stale && setCsv(Object.fromEntries(entries)));
    return () => {
      stale = true;
    };
  }, [floor.id, range.from, range.to, groupBy, filters.className, filters.gender, filters.ageBand, filters.attribute, props.refreshKey, props.zones.map((z) => `${z.id}:${z.name}:${z.kind}`).join(), props.lines.map((l) => `${l.id}:${l.name}`).join()]);

  const groups = [...new Set(counts?.buckets.map((b) => b.group) ?? [])];
  return (
    <div className="kanohi-stats">
      <h3>
        Identities seen per bucket{' '}
        <select aria-label="Break down" value={groupBy} onChange={(e) => setGroupBy(e.target.value)}>
          <option value="none">all</option>
          <option value="className">by class</option>
          <option value="gender">by gender</option>
          <option value="ageBand">by age band</option>
          {props.attributes.map((a) => (
            <option key={a.name} value={`attr:${a.name}`}>
              by {a.name}
            </option>
          ))}
        </select>{' '}
        <a href={csv.counts} download>
          CSV
        </a>
      </h3>
      <p className="muted">Distinct cross-camera identities with a sample in each bucket (a tracker break counts twice here; see people present above).</p>
      {groups.length === 0 && <p className="muted">No one seen in this range.</p>}
      {groups.map((g) => (
        <div key={g}>
          {groupBy !== 'none' && <strong>{g || 'unknown'}</strong>}
          <TimeChart testId="counts-chart" bars={(counts?.buckets ?? []).filter((b) => b.group === g).map((b) => ({ start: b.start, value: b.tracks }))} bucketSeconds={bucketSeconds} unit="identities seen" />
        </div>
      ))}
      <h3>
        Lines{' '}
        <a href={csv.lines} download>
          CSV
        </a>
      </h3>
      <table className="kanohi-table">
        <tbody>
          {(lineStats?.lines ?? []).map((l) => (
            <tr key={l.lineId} data-testid={`line-count-${l.name}`} data-in={l.inCount} data-out={l.outCount}>
              <td>{l.name}</td>
              <td>in {l.inCount}</td>
              <td>out {l.outCount}</td>
              <td>
                <Rename testId={`rename-line-${l.name}`} name={l.name} onRename={(name) => props.onRenameLine(l.lineId, name)} />
                <button type="button" data-testid={`delete-line-${l.name}`} title={`Delete line ${l.name}`} onClick={() => props.onDeleteLine(l.lineId)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>
        Zones{' '}
        <a href={csv.zones} download>
          CSV
        </a>
      </h3>
      <table className="kanohi-table">
        <tbody>
          {(zoneStats?.zones ?? []).map((z) => (
            <tr key={z.zoneId} data-testid={`zone-stats-${z.name}`} data-people={z.tracks} data-dwell={z.totalDwellSeconds.toFixed(1)}>
              <td>{z.name}</td>
              <td>{z.tracks} identities</td>
              <td>mean dwell {z.meanDwellSeconds.toFixed(1)} s</td>
              <td>
                <Rename testId={`rename-zone-${z.name}`} name={z.name} onRename={(name) => props.onRenameZone(z.zoneId, name)} />
                <button type="button" data-testid={`delete-zone-${z.name}`} title={`Delete zone ${z.name}`} onClick={() => props.onDeleteZone(z.zoneId)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
