import type { CountLine, Floor, FloorAttributesResponse, KanohiCamera, Zone } from '@sightline/contracts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { kanohi, kanohiUrl } from './api.ts';
import { AttributeFilter } from './AttributeFilter.tsx';
import { CalibrationPanel, type PointPairDraft } from './CalibrationPanel.tsx';
import { FloorMap, type FloorXy } from './floor-map.ts';
import { HeatmapPanel, type Filters } from './HeatmapPanel.tsx';
import { PeoplePanel } from './PeoplePanel.tsx';
import { Rename } from './Rename.tsx';
import { bucketFor, StatsPanel } from './StatsPanel.tsx';
import { useLiveMarkers } from './use-live-markers.ts';
import './kanohi.css';

type Tool = 'none' | 'calibrate' | 'scale' | 'line' | 'zone';
const WINDOWS = [5, 15, 60, 240, 1440];
const HOUR_MS = 3_600_000;

/**
 * Live: the window ends now and moves with it, markers show who is on the floor. History: the window
 * ends at a chosen past moment, markers are hidden, and play-back steps through the hours that have
 * data only. "Now" goes back to live.
 */
type TimeMode = { kind: 'live' } | { kind: 'history'; endMs: number };

/** Kanohi: the floor map with calibration, live people, heatmaps, zones, lines and statistics. */
export function KanohiPage() {
  const mapElement = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<FloorMap>();
  const clickRef = useRef<(xy: FloorXy) => void>(() => undefined);
  const [floors, setFloors] = useState<Floor[]>([]);
  const [floorId, setFloorId] = useState<number>();
  const [cameras, setCameras] = useState<KanohiCamera[]>([]);
  const [zones, setZones] = useState<Zone[]>([]);
  const [lines, setLines] = useState<CountLine[]>([]);
  const [tool, setTool] = useState<Tool>('none');
  const [draft, setDraft] = useState<FloorXy[]>([]);
  const [pairs, setPairs] = useState<PointPairDraft[]>([]);
  const [shapeName, setShapeName] = useState('');
  const [scaleDistance, setScaleDistance] = useState('');
  const [newFloor, setNewFloor] = useState('');
  const [message, setMessage] = useState<string>();
  const [windowMinutes, setWindowMinutes] = useState(15);
  const [mode, setMode] = useState<TimeMode>({ kind: 'live' });
  const [hours, setHours] = useState<number[]>([]);
  const [playing, setPlaying] = useState(false);
  const [zoneKind, setZoneKind] = useState<Zone['kind']>('zone');
  const [now, setNow] = useState(() => Date.now());
  const [filters, setFilters] = useState<Filters>({ className: '', gender: '', ageBand: '', attribute: '' });
  const [attributes, setAttributes] = useState<FloorAttributesResponse['attributes']>([]);
  const [refreshKey, setRefreshKey] = useState(0);
  const floor = floors.find((f) => f.id === floorId);

  const fail = (err: unknown) => setMessage((err as Error).message);
  const reloadFloors = useCallback(async (select?: number) => {
    const list = await kanohi.floors();
    setFloors(list);
    setFloorId((current) => select ?? current ?? list[0]?.id);
  }, []);
  const reloadCameras = useCallback(() => kanohi.cameras().then(setCameras, fail), []);

  useEffect(() => {
    if (!mapElement.current) return;
    const m = new FloorMap(mapElement.current, (xy) => clickRef.current(xy));
    setMap(m);
    reloadFloors().catch(fail);
    void reloadCameras();
    return () => m.remove();
  }, []);

  useEffect(() => {
    if (map) void kanohiUrl().then((base) => map.showFloor(floor, base), () => map.showFloor(floor, ''));
  }, [map, floor]);
  useEffect(() => {
    if (floorId === undefined) return;
    Promise.all([kanohi.zones(floorId), kanohi.lines(floorId)]).then(([z, l]) => (setZones(z), setLines(l)), fail);
  }, [floorId]);
  useEffect(() => map?.showShapes(zones, lines), [map, zones, lines]);

  // Live markers; statistics and the heatmap follow them, refreshed at most twice a second and
  // always after the last event of a burst.
  const pendingRefresh = useRef<ReturnType<typeof setTimeout>>(undefined);
  const live = useLiveMarkers(floorId, () => {
    if (pendingRefresh.current || modeRef.current.kind !== 'live') return;
    pendingRefresh.current = setTimeout(() => {
      pendingRefresh.current = undefined;
      setNow(Date.now());
      setRefreshKey((k) => k + 1);
    }, 500);
  });
  const modeRef = useRef(mode);
  modeRef.current = mode;
  // In history the markers of now would contradict the past window: none are drawn.
  useEffect(() => map?.showLive(mode.kind === 'live' ? live.markers : [], floor), [map, live.markers, mode.kind, floor]);

  // Clicks on the map feed the active tool.
  clickRef.current = (xy) => {
    if (tool === 'calibrate') {
      const next = [...pairs];
      const open = next.findIndex((p) => !p.floorXy);
      if (open >= 0) next[open] = { ...next[open], floorXy: xy };
      else next.push({ floorXy: xy });
      setPairs(next);
    } else if (tool === 'scale' || tool === 'line') setDraft((d) => (d.length >= 2 ? [xy] : [...d, xy]));
    else if (tool === 'zone') setDraft((d) => [...d, xy]);
  };
  useEffect(() => {
    if (!map) return;
    if (tool === 'calibrate') map.showDraft(pairs.map((p) => p.floorXy), 'points');
    else map.showDraft(draft, tool === 'zone' ? 'polygon' : tool === 'none' ? 'points' : 'line');
  }, [map, tool, draft, pairs]);
  const pickTool = (t: Tool) => {
    setTool(t === tool ? 'none' : t);
    setDraft([]);
    setMessage(undefined);
  };

  // The hours of the last week with data: history's slider and play-back move over these only.
  useEffect(() => {
    if (floorId === undefined) return;
    kanohi.hours(floorId, { from: new Date(Date.now() - 7 * 24 * HOUR_MS).toISOString(), to: new Date(Date.now() + HOUR_MS).toISOString() }).then((h) => setHours(h.hours.map((x) => Date.parse(x.start))), fail);
  }, [floorId, mode.kind]);
  // Play back: the window's end steps forward every half second, a fifth of the window at a time,
  // jumping over hours without data; it stops at the last hour with data.
  useEffect(() => {
    if (!playing || mode.kind !== 'history') return;
    const step = Math.max(60_000, (windowMinutes * 60_000) / 5);
    const timer = setTimeout(() => {
      const next = mode.endMs + step;
      const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
      const target = hours.includes(hourOf(next - 1)) ? next : hours.find((h) => h > hourOf(next - 1));
      if (target === undefined) setPlaying(false);
      else setMode({ kind: 'history', endMs: target === next ? next : target + step });
    }, 500);
    return () => clearTimeout(timer);
  }, [playing, mode, windowMinutes, hours]);
  const range = useMemo(() => {
    const to = mode.kind === 'live' ? now + 1000 : mode.endMs;
    return { from: new Date(to - windowMinutes * 60_000).toISOString(), to: new Date(to).toISOString() };
  }, [now, mode, windowMinutes]);
  // The attributes the window's tracks carried (trained heads appear once a deployed head labels
  // someone): offered as filters and break-downs; in live mode refreshed at most every 5 s.
  const attributesKey = Math.floor(now / 5000);
  useEffect(() => {
    if (floorId === undefined) return;
    let stale = false;
    kanohi.attributes(floorId, range).then((a) => !stale && setAttributes(a.attributes), fail);
    return () => {
      stale = true;
    };
  }, [floorId, mode, windowMinutes, attributesKey]);
  const goLive = () => (setPlaying(false), setNow(Date.now()), setMode({ kind: 'live' }));
  const playHistory = () => {
    if (playing) return setPlaying(false);
    if (hours.length === 0) return setMessage('Nothing recorded in the last week to play back.');
    if (mode.kind === 'live') setMode({ kind: 'history', endMs: hours[0]! + (windowMinutes * 60_000) / 5 });
    setPlaying(true);
  };

  const createFloor = async () => {
    try {
      const f = await kanohi.createFloor(newFloor.trim());
      setNewFloor('');
      await reloadFloors(f.id);
    } catch (err) {
      fail(err);
    }
  };
  const uploadPlan = async (file: File | undefined) => {
    if (!file || !floor) return;
    await kanohi.uploadFloorImage(floor.id, file).then(() => reloadFloors(), fail);
  };
  const applyScale = async () => {
    if (!floor?.metersPerPixel || draft.length !== 2) return;
    const toPx = (p: FloorXy): [number, number] => [p[0] / floor.metersPerPixel!, p[1] / floor.metersPerPixel!];
    await kanohi.updateFloor(floor.id, { scale: { aPx: toPx(draft[0]!), bPx: toPx(draft[1]!), distanceM: Number(scaleDistance) } }).then(() => (setDraft([]), setTool('none'), reloadFloors()), fail);
  };
  const saveShape = async () => {
    if (!floor) return;
    try {
      if (tool === 'line' && draft.length === 2) setLines([...lines, await kanohi.createLine(floor.id, shapeName || `line ${lines.length + 1}`, draft[0]!, draft[1]!)]);
      if (tool === 'zone' && draft.length >= 3) setZones([...zones, await kanohi.createZone(floor.id, shapeName || `${zoneKind} ${zones.length + 1}`, draft, zoneKind)]);
      setDraft([]);
      setShapeName('');
    } catch (err) {
      fail(err);
    }
  };

  const deleteZone = (id: number) => floor && kanohi.deleteZone(floor.id, id).then(() => setZones((zs) => zs.filter((z) => z.id !== id)), fail);
  const renameZone = (id: number, name: string) => kanohi.updateZone(floor!.id, id, { name }).then((z) => setZones((zs) => zs.map((x) => (x.id === id ? z : x))), fail);
  const renameLine = (id: number, name: string) => kanohi.updateLine(floor!.id, id, { name }).then((l) => setLines((ls) => ls.map((x) => (x.id === id ? l : x))), fail);
  const renameFloor = (name: string) => kanohi.renameFloor(floor!.id, name).then(() => reloadFloors(), fail);
  const deleteFloor = async () => {
    if (!floor || !window.confirm(`Delete floor "${floor.name}" with its zones, lines, calibrations and history? This cannot be undone.`)) return;
    await kanohi.deleteFloor(floor.id).then(() => (setFloorId(undefined), reloadFloors()), fail);
  };
  const deleteLine = (id: number) => floor && kanohi.deleteLine(floor.id, id).then(() => setLines((ls) => ls.filter((l) => l.id !== id)), fail);

  return (
    <section className="kanohi">
      <h1>Kanohi — floor map</h1>
      <div className="kanohi-row">
        <select data-testid="floor-select" value={floorId ?? ''} onChange={(e) => setFloorId(Number(e.target.value))}>
          {floors.length === 0 && <option value="">no floors yet</option>}
          {floors.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name} ({f.widthM.toFixed(1)} × {f.heightM.toFixed(1)} m)
            </option>
          ))}
        </select>
        <input data-testid="new-floor-name" placeholder="New floor name" value={newFloor} onChange={(e) => setNewFloor(e.target.value)} />
        <button type="button" data-testid="create-floor" disabled={!newFloor.trim()} onClick={() => void createFloor()}>
          Add floor
        </button>
        {floor && <Rename testId="rename-floor" name={floor.name} onRename={renameFloor} />}
        {floor && (
          <button type="button" data-testid="delete-floor" onClick={() => void deleteFloor()}>
            Delete floor
          </button>
        )}
        {floor && (
          <label className="kanohi-file">
            plan image <input data-testid="floor-image-file" type="file" accept="image/png,image/jpeg,image/webp" onChange={(e) => void uploadPlan(e.target.files?.[0])} />
          </label>
        )}
        <span className="kanohi-live-count" data-testid="live-count" data-count={mode.kind === 'live' ? live.liveCount : 0} data-markers={mode.kind === 'live' ? live.markers.length : 0} data-at={live.at ?? ''} title="People tracked on this floor now (markers fade out for a moment after someone is no longer seen)">
          {mode.kind === 'live' ? `${live.liveCount} people tracked now` : 'history: live markers hidden'}
        </span>
      </div>
      {floor && (
        <div className="kanohi-row kanohi-tools">
          {(['calibrate', 'scale', 'line', 'zone'] as const).map((t) => (
            <button key={t} type="button" data-testid={`tool-${t}`} className={tool === t ? 'active' : ''} onClick={() => pickTool(t)}>
              {{ calibrate: 'Calibrate camera', scale: 'Set scale', line: 'Draw line', zone: 'Draw zone' }[t]}
            </button>
          ))}
          {tool === 'scale' && (
            <>
              <span>{floor.metersPerPixel ? `click two points a known distance apart (${draft.length}/2)` : 'upload a plan image first'}</span>
              <input data-testid="scale-distance" placeholder="metres" value={scaleDistance} onChange={(e) => setScaleDistance(e.target.value)} size={6} />
              <button type="button" data-testid="apply-scale" disabled={draft.length !== 2 || !(Number(scaleDistance) > 0) || !floor.metersPerPixel} onClick={() => void applyScale()}>
                Apply
              </button>
            </>
          )}
          {(tool === 'line' || tool === 'zone') && (
            <>
              <span>{tool === 'line' ? `click start then end (${draft.length}/2); "in" is right → left` : `click the corners (${draft.length})`}</span>
              {tool === 'zone' && (
                <select data-testid="zone-kind" value={zoneKind} onChange={(e) => setZoneKind(e.target.value as Zone['kind'])} title="A mask is left out of heatmaps">
                  <option value="zone">counting zone</option>
                  <option value="mask">exclusion mask</option>
                </select>
              )}
              <input data-testid="shape-name" placeholder="name" value={shapeName} onChange={(e) => setShapeName(e.target.value)} size={10} />
              <button type="button" data-testid="save-shape" disabled={tool === 'line' ? draft.length !== 2 : draft.length < 3} onClick={() => void saveShape()}>
                Save {tool}
              </button>
            </>
          )}
        </div>
      )}
      {message && <p className="kanohi-warning" data-testid="kanohi-message">{message}</p>}
      <div className="kanohi-layout">
        <div className="kanohi-map-column">
          <div ref={mapElement} className={`floor-map ${tool !== 'none' ? 'kanohi-picking' : ''}`} data-testid="floor-map" />
          {floor && (
            <div className="kanohi-row kanohi-time">
              <label>
                last{' '}
                <select data-testid="window-minutes" value={windowMinutes} onChange={(e) => setWindowMinutes(Number(e.target.value))}>
                  {WINDOWS.map((w) => (
                    <option key={w} value={w}>
                      {w < 60 ? `${w} min` : `${w / 60} h`}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" data-testid="mode-live" className={mode.kind === 'live' ? 'active' : ''} onClick={goLive}>
                Now (live)
              </button>
              <input
                type="range"
                data-testid="time-slider"
                min={0}
                max={Math.max(0, hours.length - 1)}
                step={1}
                disabled={hours.length === 0}
                value={mode.kind === 'history' ? Math.max(0, hours.findIndex((h) => h >= Math.floor((mode.endMs - 1) / HOUR_MS) * HOUR_MS)) : Math.max(0, hours.length - 1)}
                title="Hours with data"
                onChange={(e) => (setPlaying(false), setMode({ kind: 'history', endMs: hours[Number(e.target.value)]! + HOUR_MS }))}
              />
              <button type="button" data-testid="play-history" onClick={playHistory} disabled={hours.length === 0}>
                {playing ? 'Pause' : 'Play hours with data'}
              </button>
              <span data-testid="time-range" data-mode={mode.kind} data-from={range.from} data-to={range.to}>
                {mode.kind === 'live' ? 'live: ' : 'history: '}
                {new Date(range.from).toLocaleString()} – {mode.kind === 'live' ? 'now' : new Date(range.to).toLocaleString()}
              </span>
            </div>
          )}
          {floor && <HeatmapPanel floor={floor} map={map} range={range} filters={filters} refreshKey={refreshKey} zones={zones} lines={lines} />}
        </div>
        {floor && (
          <aside className="kanohi-side">
            {tool === 'calibrate' && <CalibrationPanel floor={floor} cameras={cameras} pairs={pairs} setPairs={setPairs} onSaved={() => void reloadCameras()} />}
            <div className="kanohi-row">
              {(['className', 'gender', 'ageBand'] as const).map((k) => (
                <input key={k} placeholder={{ className: 'class', gender: 'gender', ageBand: 'age band' }[k]} value={filters[k]} size={8} onChange={(e) => setFilters({ ...filters, [k]: e.target.value })} />
              ))}
              <AttributeFilter attributes={attributes} value={filters.attribute} onChange={(attribute) => setFilters({ ...filters, attribute })} />
            </div>
            <PeoplePanel floor={floor} range={range} bucketSeconds={bucketFor(range)} refreshKey={refreshKey} zonesKey={zones.map((z) => `${z.id}:${z.kind}:${z.name}`).join()} />
            <StatsPanel
              floor={floor} range={range} filters={filters} attributes={attributes} zones={zones} lines={lines} refreshKey={refreshKey}
              onDeleteZone={(id) => void deleteZone(id)} onDeleteLine={(id) => void deleteLine(id)} onRenameZone={renameZone} onRenameLine={renameLine}
            />
          </aside>
        )}
      </div>
    </section>
  );
}
