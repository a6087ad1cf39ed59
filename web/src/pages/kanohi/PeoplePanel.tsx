import type { Floor, IdentitiesResponse, PeopleResponse } from '@sightline/contracts';
import { useEffect, useState } from 'react';
import { kanohi } from './api.ts';
import { TimeChart } from './TimeChart.tsx';

/**
 * People, counted honestly: people present over time, unique visitors (estimated) and zone entries
 * from floor people (tracker breaks re-joined on the floor, flickers ignored), each with what it
 * counts; and who is who, with Scouter's camera and tracker ids beside Kanohi's floor person.
 */
export function PeoplePanel(props: { floor: Floor; range: { from: string; to: string }; bucketSeconds: number; refreshKey: number; zonesKey: string }) {
  const { floor, range, bucketSeconds } = props;
  const [people, setPeople] = useState<PeopleResponse>();
  const [identities, setIdentities] = useState<IdentitiesResponse>();
  const [showIds, setShowIds] = useState(false);
  const [csv, setCsv] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stale = false;
    // People are counted over at most a day: a longer window shows its last day.
    const from = new Date(Math.max(Date.parse(range.from), Date.parse(range.to) - 86_400_000)).toISOString();
    const q = { from, to: range.to, bucketSeconds };
    Promise.all([kanohi.people(floor.id, q), showIds ? kanohi.identities(floor.id, q) : Promise.resolve(undefined), kanohi.csvUrl(floor.id, 'people', q)])
      .then(([p, ids, url]) => !stale && (setPeople(p), setIdentities(ids), setCsv(url), setError(undefined)))
      .catch((err: Error) => !stale && setError(err.message));
    return () => {
      stale = true;
    };
  }, [floor.id, range.from, range.to, bucketSeconds, props.refreshKey, props.zonesKey, showIds]);

  return (
    <div className="kanohi-people" data-testid="people-panel">
      <h3>
        People present{' '}
        <a href={csv} download data-testid="people-csv">
          CSV
        </a>
      </h3>
      {people && (
        <>
          <TimeChart testId="people-chart" bars={people.buckets.map((b) => ({ start: b.start, value: b.meanPresent }))} bucketSeconds={people.bucketSeconds} unit="people present (mean)" digits={1} />
          <p className="muted">{people.definitions.peoplePresent}</p>
          <p data-testid="unique-visitors" data-count={people.uniqueVisitors}>
            <strong>{people.uniqueVisitors}</strong> unique visitors (estimated) ·{' '}
            <span className="muted">
              {people.fragments.total} tracks, {people.fragments.links} re-joined after a tracker break, {people.fragments.ignored} seen under {people.fragments.minDwellSeconds} s ignored
            </span>
          </p>
          <p className="muted">{people.definitions.uniqueVisitors}</p>
          {people.stationaryExcluded && <p className="muted">{people.definitions.stationary}</p>}
          {people.zones.length > 0 && (
            <table className="kanohi-table">
              <thead>
                <tr>
                  <th>zone</th>
                  <th>entries</th>
                  <th>unique visitors (est.)</th>
                </tr>
              </thead>
              <tbody>
                {people.zones.map((z) => (
                  <tr key={z.zoneId} data-testid={`zone-entries-${z.name}`} data-entries={z.entries}>
                    <td>{z.name}</td>
                    <td>{z.entries}</td>
                    <td>{z.uniqueVisitors}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {people.zones.length > 0 && <p className="muted">{people.definitions.entries}</p>}
        </>
      )}
      <label>
        <input type="checkbox" data-testid="show-identities" checked={showIds} onChange={(e) => setShowIds(e.target.checked)} /> who is who (Scouter ids)
      </label>
      {showIds && identities && (
        <table className="kanohi-table" data-testid="identities">
          <thead>
            <tr>
              <th>floor person</th>
              <th>Scouter camera #tracker</th>
              <th>seen</th>
            </tr>
          </thead>
          <tbody>
            {identities.people.map((p) => (
              <tr key={p.floorPersonId}>
                <td>{p.floorPersonId}</td>
                <td>{p.tracks.map((t) => `camera ${t.cameraId} #${t.trackerId}`).join(', ')}</td>
                <td>
                  {p.firstSeen.slice(11, 19)}–{p.lastSeen.slice(11, 19)}
                </td>
              </tr>
            ))}
            {identities.ignored.length > 0 && (
              <tr className="muted">
                <td>not counted</td>
                <td colSpan={2}>{identities.ignored.map((t) => `camera ${t.cameraId} #${t.trackerId}`).join(', ')} (seen under the minimum dwell, or stationary)</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {error && <p className="kanohi-warning">{error}</p>}
    </div>
  );
}
