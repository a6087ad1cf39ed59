import type { VideoFrame } from '@sightline/vision';

/**
 * A copy of the frame with a rectangle outlined (`thickness` pixels, inside the box), for event
 * snapshots: the object is marked in the picture itself, whatever shows it.
 * @example const marked = withBox(frame, [10, 20, 110, 220], [255, 200, 0]);
 */
export function withBox(frame: VideoFrame, xyxy: readonly [number, number, number, number], rgb: readonly [number, number, number], thickness = 3): VideoFrame {
  const { width, height } = frame;
  const out = new Uint8Array(frame.data);
  const x1 = clamp(Math.round(xyxy[0]), width - 1);
  const y1 = clamp(Math.round(xyxy[1]), height - 1);
  const x2 = clamp(Math.round(xyxy[2]), width - 1);
  const y2 = clamp(Math.round(xyxy[3]), height - 1);
  const paint = (x: number, y: number) => {
    const o = (y * width + x) * 3;
    out[o] = rgb[0];
    out[o + 1] = rgb[1];
    out[o + 2] = rgb[2];
  };
  for (let t = 0; t < thickness; t++) {
    for (let x = x1; x <= x2; x++) {
      paint(x, Math.min(y2, y1 + t));
      paint(x, Math.max(y1, y2 - t));
    }
    for (let y = y1; y <= y2; y++) {
      paint(Math.min(x2, x1 + t), y);
      paint(Math.max(x1, x2 - t), y);
    }
  }
  return { data: out, width, height, format: 'rgb24', index: frame.index };
}

function clamp(v: number, max: number): number {
  return Math.min(max, Math.max(0, v));
}
