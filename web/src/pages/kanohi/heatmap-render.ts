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

/** Draws the sparse cells into a canvas of one pixel per cell (row 0 at the top), scaled by sqrt for contrast. */
export function renderHeatmap(heat: HeatmapResponse): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, heat.columns);
  canvas.height = Math.max(1, heat.rows);
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(canvas.width, canvas.height);
  for (const [c, r, v] of heat.cells) {
    const rgba = heatColour(heat.max > 0 ? Math.sqrt(v / heat.max) : 0);
    image.data.set(rgba.map(Math.round), (r * canvas.width + c) * 4);
  }
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
