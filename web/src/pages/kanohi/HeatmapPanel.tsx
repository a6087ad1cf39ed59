import type { CountLine, Floor, HeatmapResponse, Zone } from '@sightline/contracts';
import { useEffect, useMemo, useState } from 'react';
import { kanohi, kanohiUrl, type RangeFilters } from './api.ts';
import type { FloorMap } from './floor-map.ts';
import { exportHeatmapPng } from './heatmap-export.ts';
import { legendGradient, legendTicks, renderHeatmap, scaleFor } from './heatmap-render.ts';

export interface Filters {
  className: string;
  gender: string;
  ageBand: string;
  /** `name=value` of any attribute (smoothed per track), or '' for none. */
  attribute: string;
}

/**
 * Heatmap of the chosen window drawn over the floor: a robust scale (top at a percentile of the
 * cells, linear or log), stationary detections left out unless included, a legend with units, and a
 * PNG export with the plan, zones, lines, legend and window.
 */
export function HeatmapPanel(props: { floor: Floor; map: FloorMap | undefined; range: { from: string; to: string }; filters: Filters; refreshKey: number; zones: Zone[]; lines: CountLine[] }) {
  const { floor, map, range, filters } = props;
  const [cellM, setCellM] = useState(0.5);
  const [metric, setMetric] = useState<'occupancy' | 'dwell'>('occupancy');
  const [visible, setVisible] = useState(true);
  const [percentile, setPercentile] = useState(99);
  const [log, setLog] = useState(false);
  const [includeStationary, setIncludeStationary] = useState(false);
  const [heat, setHeat] = useState<HeatmapResponse>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stale = false;
    const query: RangeFilters & { cellM: number; metric: 'occupancy' | 'dwell'; stationary: 'exclude' | 'include' } = { ...range, ...filters, cellM, metric, stationary: includeStationary ? 'include' : 'exclude' };
    kanohi
      .heatmap(floor.id, query)
      .then((h) => !stale && (setHeat(h), setError(undefined)))
      .catch((err: Error) => !stale && setError(err.message));
    return () => {
      stale = true;
    };
  }, [floor.id, range.from, range.to, cellM, metric, includeStationary, filters.className, filters.gender, filters.ageBand, filters.attribute, props.refreshKey, props.zones.map((z) => `${z.id}:${z.kind}`).join()]);

  const scale = useMemo(() => (heat ? scaleFor(heat, percentile, log) : undefined), [heat, percentile, log]);
  useEffect(() => {
    if (!map) return;
    map.showHeatmap(visible && heat && scale && heat.max > 0 ? renderHeatmap(heat, scale).toDataURL('image/png') : undefined, floor, heat?.cellM ?? cellM, heat?.columns ?? 0, heat?.rows ?? 0);
  }, [map, heat, scale, visible]);

  const exportPng = async () => {
    if (!heat || !scale) return;
    try {
      const planUrl = floor.image ? (await kanohiUrl()) + floor.image.url : undefined;
      const { dataUrl, fileName } = await exportHeatmapPng({ floor, planUrl, heat, scale, zones: props.zones, lines: props.lines });
      const a = document.createElement('a');
      a.href = dataUrl;
      a.download = fileName;
      a.click();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const unit = metric === 'dwell' ? 's' : 'samples';
  const ticks = scale ? legendTicks(scale) : [0, 0, 0];
  return (
    <div className="kanohi-heatmap-panel">
      <div className="kanohi-row">
        <label>
          <input type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} /> heatmap
        </label>
        <select value={metric} onChange={(e) => setMetric(e.target.value as 'occupancy' | 'dwell')} data-testid="heatmap-metric">
          <option value="occupancy">occupancy (samples)</option>
          <option value="dwell">dwell (seconds)</option>
        </select>
        <select value={cellM} onChange={(e) => setCellM(Number(e.target.value))}>
          {[0.25, 0.5, 1, 2].map((c) => (
            <option key={c} value={c}>
              {c} m cells
            </option>
          ))}
        </select>
        <select value={percentile} onChange={(e) => setPercentile(Number(e.target.value))} data-testid="heatmap-clip" title="The scale's top: cells above it get the top colour">
          {[90, 95, 99, 100].map((p) => (
            <option key={p} value={p}>
              {p === 100 ? 'top at max' : `top at p${p}`}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" data-testid="heatmap-log" checked={log} onChange={(e) => setLog(e.target.checked)} /> log
        </label>
        <label title="Detections that stayed within half a metre for minutes (a poster, a false positive) are left out unless included">
          <input type="checkbox" data-testid="heatmap-stationary" checked={includeStationary} onChange={(e) => setIncludeStationary(e.target.checked)} /> include stationary
        </label>
        <button type="button" data-testid="export-heatmap" onClick={() => void exportPng()} disabled={!heat}>
          Export PNG
        </button>
      </div>
      <div className="kanohi-legend" data-testid="heatmap-legend" data-max={heat?.max ?? 0} data-total={heat?.total ?? 0} data-top={scale?.top ?? 0} data-stationary={heat?.stationary.length ?? 0}>
        <span>{ticks[0]!.toFixed(0)}</span>
        <span className="kanohi-legend-bar" style={{ background: legendGradient() }} />
        <span>
          {scale ? `${ticks[2]!.toFixed(metric === 'dwell' ? 1 : 0)}${percentile < 100 && heat && heat.max > scale.top ? '+' : ''}` : '–'} {unit} per cell
        </span>
        <span className="muted">
          ({log ? 'log' : 'linear'}; max {heat ? heat.max.toFixed(metric === 'dwell' ? 1 : 0) : '–'})
        </span>
      </div>
      {heat && heat.stationary.length > 0 && (
        <p className="muted" data-testid="stationary-note">
          {heat.stationary.length} stationary detection{heat.stationary.length > 1 ? 's' : ''} {heat.stationaryExcluded ? 'left out' : 'included'}:{' '}
          {heat.stationary.map((s) => `camera ${s.cameraId} track ${s.trackId} at ${s.xyM.map((v) => v.toFixed(1)).join(', ')} m`).join('; ')}
        </p>
      )}
      {error && <p className="kanohi-warning">{error}</p>}
    </div>
  );
}
