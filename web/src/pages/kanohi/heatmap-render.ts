import type { HeatmapResponse } from '@sightline/contracts';

/** Colour ramp (transparent -> blue -> green -> yellow -> red) for a value share in [0, 1]. */
export function heatColour(share: number): [number, number, number, number] {
  if (share <= 0) return [0, 0, 0, 0];
  const stops: [number, [number, number, number]][] = [[0, [49, 54, 149]], [0.35, [69, 170, 120]], [0.65, [250, 220, 60]], [1, [215, 48, 39]]];
  let i = 0;
  while (i < stops.length - 2 && share > stops[i + 1]![0]) i++;
  const [p0, c0] = stops[i]!;
  const [p1, c1] = stops[i + 1]!;
  const t = Math.min(1, Math.max(0, (share - p0) / (p1 - p0)));
  return [c0[0] + (c1[0] - c0[0]) * t, c0[1] + (c1[1] - c0[1]) * t, c0[2] + (c1[2] - c0[2]) * t, 110 + 120 * Math.min(1, share * 1.5)];
}

/** How values map to colours: the top of the scale (a percentile of the non-empty cells) and linear or log. */
export interface HeatScale {
  /** Cells at or above this value get the top colour. */
  top: number;
  log: boolean;
  /** The percentile the top came from (100 = the maximum). */
  percentile: number;
}

/**
 * The scale's top: the given percentile of the non-empty cells' values, so one cell far above the
 * rest (whatever put it there) cannot make every real path pale.
 * @example scaleFor(heat, 99, false).top
 */
export function scaleFor(heat: HeatmapResponse, percentile: number, log: boolean): HeatScale {
  const values = heat.cells.map((c) => c[2]).sort((a, b) => a - b);
  const top = values.length === 0 ? 0 : values[Math.min(values.length - 1, Math.max(0, Math.ceil((percentile / 100) * values.length) - 1))]!;
  return { top, log, percentile };
}

/** A value's place on the scale, in [0, 1]. */
export function shareOf(value: number, scale: HeatScale): number {
  if (scale.top <= 0 || value <= 0) return 0;
  const clipped = Math.min(value, scale.top);
  return scale.log ? Math.log1p(clipped) / Math.log1p(scale.top) : clipped / scale.top;
}

/** Draws the sparse cells into a canvas of one pixel per cell (row 0 at the top). */
export function renderHeatmap(heat: HeatmapResponse, scale: HeatScale): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, heat.columns);
  canvas.height = Math.max(1, heat.rows);
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(canvas.width, canvas.height);
  for (const [c, r, v] of heat.cells) image.data.set(heatColour(shareOf(v, scale)).map(Math.round), (r * canvas.width + c) * 4);
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** CSS gradient of the ramp, for the legend. */
export function legendGradient(): string {
  const steps = [0.05, 0.25, 0.5, 0.75, 1].map((s) => {
    const [r, g, b] = heatColour(s);
    return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}) ${Math.round(s * 100)}%`;
  });
  return `linear-gradient(to right, ${steps.join(', ')})`;
}

/** Legend tick values: the value at 0, 1/2 and 1 of the scale (log-aware). */
export function legendTicks(scale: HeatScale): number[] {
  return [0, 0.5, 1].map((s) => (scale.log ? Math.expm1(s * Math.log1p(scale.top)) : s * scale.top));
}
