import type { CountLine, Floor, HeatmapResponse, Zone } from '@sightline/contracts';
import { fileTime } from './api.ts';
import { heatColour, legendTicks, renderHeatmap, type HeatScale } from './heatmap-render.ts';

/**
 * A heatmap picture that stands on its own in a report: the plan (when the floor has one), the
 * cells, zones, masks and lines with their names, a legend with units and the scale used, and a
 * caption with the floor and the window (UTC). The file name carries the window too.
 */
export async function exportHeatmapPng(args: { floor: Floor; planUrl: string | undefined; heat: HeatmapResponse; scale: HeatScale; zones: readonly Zone[]; lines: readonly CountLine[] }): Promise<{ dataUrl: string; fileName: string }> {
  const { floor, heat, scale } = args;
  const pxPerM = Math.max(8, Math.min(60, Math.floor(1400 / floor.widthM)));
  const mapW = Math.round(floor.widthM * pxPerM);
  const mapH = Math.round(floor.heightM * pxPerM);
  const out = document.createElement('canvas');
  out.width = mapW + 20;
  out.height = mapH + 110;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  const ox = 10;
  const oy = 40;
  ctx.fillStyle = '#1a202c';
  ctx.font = 'bold 16px sans-serif';
  ctx.fillText(`${floor.name} · ${heat.metric} heatmap`, ox, 18);
  ctx.font = '13px sans-serif';
  ctx.fillText(`window ${heat.from} – ${heat.to} (UTC) · ${heat.cellM} m cells${heat.stationaryExcluded ? ` · ${heat.stationary.length} stationary detection(s) left out` : ''}${heat.maskedCells ? ` · ${heat.maskedCells} masked cells` : ''}`, ox, 34);
  if (args.planUrl) {
    // Fetched (CORS) rather than drawn from an <img>, so the canvas stays exportable.
    const plan = await fetch(args.planUrl).then((r) => r.blob()).then((b) => createImageBitmap(b)).catch(() => undefined);
    if (plan) ctx.drawImage(plan, ox, oy, mapW, mapH);
  }
  ctx.strokeStyle = '#4a5568';
  ctx.strokeRect(ox, oy, mapW, mapH);
  ctx.imageSmoothingEnabled = false;
  ctx.globalAlpha = 0.85;
  ctx.drawImage(renderHeatmap(heat, scale), ox, oy, heat.columns * heat.cellM * pxPerM, heat.rows * heat.cellM * pxPerM);
  ctx.globalAlpha = 1;
  const at = ([x, y]: readonly [number, number]): [number, number] => [ox + x * pxPerM, oy + y * pxPerM];
  ctx.font = '12px sans-serif';
  for (const z of args.zones) {
    ctx.beginPath();
    z.polygonXy.forEach((p, i) => (i === 0 ? ctx.moveTo(...at(p)) : ctx.lineTo(...at(p))));
    ctx.closePath();
    ctx.strokeStyle = z.kind === 'mask' ? '#718096' : '#805ad5';
    ctx.setLineDash(z.kind === 'mask' ? [6, 4] : []);
    ctx.lineWidth = 2;
    ctx.stroke();
    const [cx, cy] = at([z.polygonXy.reduce((s, p) => s + p[0], 0) / z.polygonXy.length, z.polygonXy.reduce((s, p) => s + p[1], 0) / z.polygonXy.length]);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillText(z.kind === 'mask' ? `${z.name} (mask)` : z.name, cx, cy);
  }
  ctx.setLineDash([]);
  for (const l of args.lines) {
    ctx.beginPath();
    ctx.moveTo(...at(l.startXy));
    ctx.lineTo(...at(l.endXy));
    ctx.strokeStyle = '#dd6b20';
    ctx.lineWidth = 3;
    ctx.stroke();
    ctx.fillStyle = '#dd6b20';
    ctx.fillText(`${l.name} (in: right → left)`, ...at(l.startXy));
  }
  // Legend: the ramp with its values and unit.
  const ly = oy + mapH + 20;
  const lw = Math.min(360, mapW - 20);
  for (let i = 0; i < lw; i++) {
    const [r, g, b] = heatColour(Math.max(0.01, i / (lw - 1)));
    ctx.fillStyle = `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
    ctx.fillRect(ox + i, ly, 1, 14);
  }
  ctx.strokeStyle = '#a0aec0';
  ctx.lineWidth = 1;
  ctx.strokeRect(ox, ly, lw, 14);
  ctx.fillStyle = '#1a202c';
  const ticks = legendTicks(scale);
  ticks.forEach((v, i) => ctx.fillText(v.toFixed(heat.metric === 'dwell' ? 1 : 0), ox + (i * lw) / 2 - (i === 2 ? 20 : 0), ly + 28));
  ctx.fillText(`${heat.unit}; ${scale.log ? 'log' : 'linear'} scale, top = ${scale.percentile === 100 ? 'maximum' : `${scale.percentile}th percentile`} (${scale.top.toFixed(1)}; maximum ${heat.max.toFixed(1)})`, ox, ly + 44);
  return { dataUrl: out.toDataURL('image/png'), fileName: `heatmap-${floor.name.replace(/\W+/g, '-')}_${fileTime(heat.from)}_${fileTime(heat.to)}.png` };
}
