import type { CountLine, Floor, KanohiCamera, Zone } from '@sightline/contracts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { kanohi, kanohiUrl } from './api.ts';
import { CalibrationPanel, type PointPairDraft } from './CalibrationPanel.tsx';
import { FloorMap, type FloorXy } from './floor-map.ts';
import { HeatmapPanel, type Filters } from './HeatmapPanel.tsx';
import { StatsPanel } from './StatsPanel.tsx';
import { useLiveMarkers } from './use-live-markers.ts';
import './kanohi.css';

type Tool = 'none' | 'calibrate' | 'scale' | 'line' | 'zone';
const WINDOWS = [5, 15, 60, 240, 1440];
const DAY_MINUTES = 1440;

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
  const [minutesBack, setMinutesBack] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const [filters, setFilters] = useState<Filters>({ className: '', gender: '', ageBand: '' });
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
  const markers = useLiveMarkers(floorId, () => {
    if (pendingRefresh.current) return;
    pendingRefresh.current = setTimeout(() => {
      pendingRefresh.current = undefined;
      setNow(Date.now());
      setRefreshKey((k) => k + 1);
    }, 500);
  });
  useEffect(() => map?.showLive(markers), [map, markers]);

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

  // Play back: the window slides forward a step every half second.
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setMinutesBack((m) => (m <= 0 ? (setPlaying(false), 0) : Math.max(0, m - Math.max(1, windowMinutes / 5)))), 500);
    return () => clearInterval(timer);
  }, [playing, windowMinutes]);
  const range = useMemo(() => {
    const to = now - minutesBack * 60_000;
    return { from: new Date(to - windowMinutes * 60_000).toISOString(), to: new Date(to + 1000).toISOString() };
  }, [now, minutesBack, windowMinutes]);

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
      if (tool === 'zone' && draft.length >= 3) setZones([...zones, await kanohi.createZone(floor.id, shapeName || `zone ${zones.length + 1}`, draft)]);
      setDraft([]);
      setShapeName('');
    } catch (err) {
      fail(err);
    }
  };

  const deleteZone = (id: number) => floor && kanohi.deleteZone(floor.id, id).then(() => setZones((zs) => zs.filter((z) => z.id !== id)), fail);
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
        {floor && (
          <label className="kanohi-file">
            plan image <input data-testid="floor-image-file" type="file" accept="image/png,image/jpeg,image/webp" onChange={(e) => void uploadPlan(e.target.files?.[0])} />
          </label>
        )}
        <span className="kanohi-live-count" data-testid="live-count" data-count={markers.length}>
          {markers.length} live
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
              <input
                type="range"
                data-testid="time-slider"
                min={0}
                max={DAY_MINUTES}
                step={1}
                value={DAY_MINUTES - minutesBack}
                onChange={(e) => (setMinutesBack(DAY_MINUTES - Number(e.target.value)), setNow(Date.now()))}
              />
              <button type="button" data-testid="play-day" onClick={() => (minutesBack === 0 && setMinutesBack(DAY_MINUTES - windowMinutes), setPlaying(!playing))}>
                {playing ? 'Pause' : 'Play day'}
              </button>
              <span data-testid="time-range" data-from={range.from} data-to={range.to}>
                {new Date(range.from).toLocaleTimeString()} – {minutesBack === 0 ? 'now' : new Date(range.to).toLocaleTimeString()}
              </span>
            </div>
          )}
          {floor && <HeatmapPanel floor={floor} map={map} range={range} filters={filters} refreshKey={refreshKey} />}
        </div>
        {floor && (
          <aside className="kanohi-side">
            {tool === 'calibrate' && <CalibrationPanel floor={floor} cameras={cameras} pairs={pairs} setPairs={setPairs} onSaved={() => void reloadCameras()} />}
            <div className="kanohi-row">
              {(['className', 'gender', 'ageBand'] as const).map((k) => (
                <input key={k} placeholder={{ className: 'class', gender: 'gender', ageBand: 'age band' }[k]} value={filters[k]} size={8} onChange={(e) => setFilters({ ...filters, [k]: e.target.value })} />
              ))}
            </div>
            <StatsPanel floor={floor} range={range} filters={filters} zones={zones} lines={lines} refreshKey={refreshKey} onDeleteZone={(id) => void deleteZone(id)} onDeleteLine={(id) => void deleteLine(id)} />
          </aside>
        )}
      </div>
    </section>
  );
}
