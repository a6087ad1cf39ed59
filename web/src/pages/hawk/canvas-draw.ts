import type { HawkLabelSchema, HawkXyxy } from '@sightline/contracts';
import type { ShownBox } from './editor-state.ts';

export interface View {
  /** CSS pixels per image pixel. */
  readonly scale: number;
  readonly panX: number;
  readonly panY: number;
}

const PALETTE = ['#e53e3e', '#3182ce', '#38a169', '#d69e2e', '#805ad5', '#dd6b20', '#319795', '#d53f8c'];

export function classColor(schema: HawkLabelSchema, label: string): string {
  const i = schema.classes.findIndex((c) => c.name === label);
  return schema.classes[i]?.color ?? PALETTE[Math.max(0, i) % PALETTE.length]!;
}

export const toScreen = (v: View, x: number, y: number): [number, number] => [x * v.scale + v.panX, y * v.scale + v.panY];
export const toImage = (v: View, x: number, y: number): [number, number] => [(x - v.panX) / v.scale, (y - v.panY) / v.scale];

/** Corner handle (0 = top-left, 1 = top-right, 2 = bottom-right, 3 = bottom-left) under a point, or -1. */
export function handleAt(v: View, xyxy: HawkXyxy, x: number, y: number): number {
  const corners: [number, number][] = [[xyxy[0], xyxy[1]], [xyxy[2], xyxy[1]], [xyxy[2], xyxy[3]], [xyxy[0], xyxy[3]]];
  const tol = 7 / v.scale;
  return corners.findIndex(([cx, cy]) => Math.abs(cx - x) <= tol && Math.abs(cy - y) <= tol);
}

export function insideBox(xyxy: HawkXyxy, x: number, y: number): boolean {
  return x >= xyxy[0] && x <= xyxy[2] && y >= xyxy[1] && y <= xyxy[3];
}

/** Moves one corner of a box to (x, y), keeping x1 < x2 and y1 < y2. */
export function resizeBox(xyxy: HawkXyxy, corner: number, x: number, y: number): HawkXyxy {
  const b = [...xyxy] as [number, number, number, number];
  if (corner === 0 || corner === 3) b[0] = x;
  else b[2] = x;
  if (corner === 0 || corner === 1) b[1] = y;
  else b[3] = y;
  return [Math.min(b[0], b[2]), Math.min(b[1], b[3]), Math.max(b[0], b[2]), Math.max(b[1], b[3])];
}

export function clampBox(xyxy: HawkXyxy, width: number, height: number): HawkXyxy {
  const r = (n: number) => Math.round(n * 10) / 10;
  return [r(Math.max(0, Math.min(width, xyxy[0]))), r(Math.max(0, Math.min(height, xyxy[1]))), r(Math.max(0, Math.min(width, xyxy[2]))), r(Math.max(0, Math.min(height, xyxy[3])))];
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
function textOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 ? '#000' : '#fff';
}

/**
 * Paints the frame and its boxes; interpolated track boxes are dashed, the selected one has handles.
 * Labels sit on a tag in the class colour with contrasting text; tracks show their short number.
 */
export function paint(ctx: CanvasRenderingContext2D, view: View, image: ImageBitmap | null, boxes: readonly ShownBox[], selected: string | null, schema: HawkLabelSchema, preview: HawkXyxy | null, trackNumbers: ReadonlyMap<string, number> = new Map()): void {
  const { canvas } = ctx;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#1a202c';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const dpr = canvas.width / canvas.clientWidth || 1;
  ctx.setTransform(dpr * view.scale, 0, 0, dpr * view.scale, dpr * view.panX, dpr * view.panY);
  if (image) ctx.drawImage(image, 0, 0);
  ctx.lineWidth = 2 / view.scale;
  ctx.font = `600 ${13 / view.scale}px system-ui`;
  for (const b of boxes) {
    const color = classColor(schema, b.label);
    ctx.strokeStyle = color;
    ctx.setLineDash(b.trackId && !b.keyframe ? [6 / view.scale, 4 / view.scale] : []);
    ctx.strokeRect(b.xyxy[0], b.xyxy[1], b.xyxy[2] - b.xyxy[0], b.xyxy[3] - b.xyxy[1]);
    const text = `${b.trackId ? `#${trackNumbers.get(b.trackId) ?? '?'} ` : ''}${b.label}`;
    const pad = 3 / view.scale;
    const h = 17 / view.scale;
    const w = ctx.measureText(text).width + 2 * pad;
    const top = b.xyxy[1] - h >= 0 ? b.xyxy[1] - h : b.xyxy[1];
    ctx.setLineDash([]);
    ctx.fillStyle = color;
    ctx.fillRect(b.xyxy[0], top, w, h);
    ctx.fillStyle = textOn(color.length === 7 ? color : '#000000');
    ctx.fillText(text, b.xyxy[0] + pad, top + h - 5 / view.scale);
    if (b.key === selected) {
      ctx.setLineDash([]);
      ctx.fillStyle = 'rgba(255,255,255,0.15)';
      ctx.fillRect(b.xyxy[0], b.xyxy[1], b.xyxy[2] - b.xyxy[0], b.xyxy[3] - b.xyxy[1]);
      ctx.fillStyle = '#fff';
      const s = 8 / view.scale;
      for (const [cx, cy] of [[b.xyxy[0], b.xyxy[1]], [b.xyxy[2], b.xyxy[1]], [b.xyxy[2], b.xyxy[3]], [b.xyxy[0], b.xyxy[3]]] as const) ctx.fillRect(cx - s / 2, cy - s / 2, s, s);
    }
  }
  if (preview) {
    ctx.setLineDash([4 / view.scale, 4 / view.scale]);
    ctx.strokeStyle = '#fff';
    ctx.strokeRect(preview[0], preview[1], preview[2] - preview[0], preview[3] - preview[1]);
  }
  ctx.setLineDash([]);
}
