import type { Floor, HeatmapResponse } from '@sightline/contracts';
import { useEffect, useState } from 'react';
import { kanohi, type RangeFilters } from './api.ts';
import type { FloorMap } from './floor-map.ts';
import { legendGradient, renderHeatmap } from './heatmap-render.ts';

export interface Filters {
  className: string;
  gender: string;
  ageBand: string;
}

/** Heatmap of the chosen time range drawn over the floor, with its legend and a PNG export. */
export function HeatmapPanel(props: { floor: Floor; map: FloorMap | undefined; range: { from: string; to: string }; filters: Filters; refreshKey: number }) {
  const { floor, map, range, filters } = props;
  const [cellM, setCellM] = useState(0.5);
  const [metric, setMetric] = useState<'occupancy' | 'dwell'>('occupancy');
  const [visible, setVisible] = useState(true);
  const [heat, setHeat] = useState<HeatmapResponse>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stale = false;
    const query: RangeFilters & { cellM: number; metric: 'occupancy' | 'dwell' } = { ...range, ...filters, cellM, metric };
    kanohi
      .heatmap(floor.id, query)
      .then((h) => !stale && (setHeat(h), setError(undefined)))
      .catch((err: Error) => !stale && setError(err.message));
    return () => {
      stale = true;
    };
  }, [floor.id, range.from, range.to, cellM, metric, filters.className, filters.gender, filters.ageBand, props.refreshKey]);

  useEffect(() => {
    if (!map) return;
    map.showHeatmap(visible && heat && heat.max > 0 ? renderHeatmap(heat).toDataURL('image/png') : undefined, floor, heat?.cellM ?? cellM, heat?.columns ?? 0, heat?.rows ?? 0);
  }, [map, heat, visible]);

  const exportPng = () => {
    if (!heat) return;
    // Upscaled cells plus a caption: a picture that stands on its own in a report.
    const scale = Math.max(4, Math.floor(1200 / Math.max(heat.columns, 1)));
    const cells = renderHeatmap(heat);
    const out = document.createElement('canvas');
    out.width = heat.columns * scale;
    out.height = heat.rows * scale + 28;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, 0, 0, out.width, heat.rows * scale);
    ctx.fillStyle = '#1a202c';
    ctx.font = '14px sans-serif';
    ctx.fillText(`${floor.name} · ${metric} · ${heat.from} – ${heat.to} · ${heat.cellM} m cells · max ${heat.max.toFixed(1)}`, 6, out.height - 9);
    const a = document.createElement('a');
    a.href = out.toDataURL('image/png');
    a.download = `heatmap-${floor.name.replace(/\W+/g, '-')}-${heat.from.slice(0, 16)}.png`;
    a.click();
  };

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
        <button type="button" data-testid="export-heatmap" onClick={exportPng} disabled={!heat}>
          Export PNG
        </button>
      </div>
      <div className="kanohi-legend" data-testid="heatmap-legend" data-max={heat?.max ?? 0} data-total={heat?.total ?? 0}>
        <span>0</span>
        <span className="kanohi-legend-bar" style={{ background: legendGradient() }} />
        <span>
          {heat ? heat.max.toFixed(metric === 'dwell' ? 1 : 0) : '–'} {metric === 'dwell' ? 's' : 'samples'} per cell
        </span>
      </div>
      {error && <p className="kanohi-warning">{error}</p>}
    </div>
  );
}
