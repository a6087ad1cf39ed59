import type { CameraRegions, FrameEvent, TracksEvent } from '@sightline/contracts';
import { useEffect, useRef } from 'react';
import { attributeLabel, STAT_HELP } from './labels.ts';

const TRAIL = 30;

function colour(id: number): string {
  return `hsl(${(id * 67) % 360} 90% 55%)`;
}

export interface LiveViewProps {
  readonly tracks: TracksEvent | undefined;
  readonly frame: FrameEvent | undefined;
  /** Attribute values below this confidence read "unknown". */
  readonly minConfidence: number;
  readonly regions?: CameraRegions | undefined;
  /** Points of a region being drawn, in frame pixels. */
  readonly draft?: readonly [number, number][];
  /** A click on the picture, in frame pixels (for drawing regions). */
  readonly onPick?: (x: number, y: number) => void;
  /** Grid tiles: no per-person list under the picture. */
  readonly compact?: boolean;
}

function drawRegions(g: CanvasRenderingContext2D, regions: CameraRegions | undefined, draft: readonly [number, number][] | undefined): void {
  const poly = (points: readonly (readonly [number, number])[], fill: string, stroke: string) => {
    g.beginPath();
    points.forEach(([x, y], i) => (i === 0 ? g.moveTo(x, y) : g.lineTo(x, y)));
    g.closePath();
    g.fillStyle = fill;
    g.fill();
    g.strokeStyle = stroke;
    g.lineWidth = 2;
    g.stroke();
  };
  for (const m of regions?.masks ?? []) poly(m, 'rgba(0,0,0,0.45)', '#999');
  for (const z of regions?.zones ?? []) {
    poly(z.polygon, 'rgba(66,153,225,0.18)', '#4299e1');
    g.fillStyle = '#bee3f8';
    g.font = '14px sans-serif';
    g.fillText(z.name, z.polygon[0]![0] + 4, z.polygon[0]![1] + 16);
  }
  for (const l of regions?.lines ?? []) {
    g.beginPath();
    g.moveTo(l.from[0], l.from[1]);
    g.lineTo(l.to[0], l.to[1]);
    g.strokeStyle = '#ed8936';
    g.lineWidth = 3;
    g.stroke();
    g.fillStyle = '#fbd38d';
    g.fillText(l.name, l.from[0] + 4, l.from[1] - 4);
  }
  if (draft && draft.length > 0) {
    g.beginPath();
    draft.forEach(([x, y], i) => (i === 0 ? g.moveTo(x, y) : g.lineTo(x, y)));
    g.strokeStyle = '#f6e05e';
    g.setLineDash([6, 4]);
    g.lineWidth = 2;
    g.stroke();
    g.setLineDash([]);
    for (const [x, y] of draft) g.fillRect(x - 3, y - 3, 6, 6);
  }
}

/** A camera's JPEG preview with the latest boxes, track ids, trails, attributes and regions drawn over it. */
export function LiveView({ tracks, frame, minConfidence, regions, draft, onPick, compact }: LiveViewProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const image = useRef<HTMLImageElement | null>(null);
  const trails = useRef(new Map<number, [number, number][]>());

  useEffect(() => {
    if (!frame) return;
    const img = new Image();
    img.onload = () => {
      image.current = img;
    };
    img.src = `data:image/jpeg;base64,${frame.jpegBase64}`;
  }, [frame]);

  useEffect(() => {
    const c = canvas.current;
    const size = tracks ?? frame;
    if (!c || !size) return;
    if (c.width !== size.width) c.width = size.width;
    if (c.height !== size.height) c.height = size.height;
    const g = c.getContext('2d')!;
    // Grid previews are smaller JPEGs: drawn stretched to the frame size the boxes are in.
    if (image.current) g.drawImage(image.current, 0, 0, size.width, size.height);
    else {
      g.fillStyle = '#111';
      g.fillRect(0, 0, c.width, c.height);
    }
    drawRegions(g, regions, draft);
    for (const b of tracks?.boxes ?? []) {
      const [x1, y1, x2, y2] = b.xyxy;
      const trail = trails.current.get(b.trackerId) ?? [];
      trail.push([(x1 + x2) / 2, y2]);
      if (trail.length > TRAIL) trail.shift();
      trails.current.set(b.trackerId, trail);
      g.strokeStyle = colour(b.trackerId);
      g.lineWidth = 2;
      g.strokeRect(x1, y1, x2 - x1, y2 - y1);
      g.beginPath();
      trail.forEach(([x, y], i) => (i === 0 ? g.moveTo(x, y) : g.lineTo(x, y)));
      g.stroke();
      const attrs = Object.entries(b.attributes).map(([k, v]) => {
        const text = attributeLabel(k, v, minConfidence);
        return text === 'unknown' ? `${k} unknown` : text;
      });
      g.fillStyle = colour(b.trackerId);
      g.font = '12px sans-serif';
      g.fillText([`#${b.trackerId}`, ...attrs].join(' · '), x1 + 2, Math.max(12, y1 - 3));
    }
  }, [tracks, frame, regions, draft, minConfidence]);

  function pick(e: React.MouseEvent<HTMLCanvasElement>) {
    const c = canvas.current;
    if (!onPick || !c) return;
    const r = c.getBoundingClientRect();
    // Within 2% of an edge a click snaps to it: nobody can hit the picture's last pixel.
    const snap = (f: number, size: number) => Math.round((f < 0.02 ? 0 : f > 0.98 ? 1 : f) * size);
    onPick(snap((e.clientX - r.left) / r.width, c.width), snap((e.clientY - r.top) / r.height, c.height));
  }

  const withAttributes = tracks?.boxes.filter((b) => Object.keys(b.attributes).length > 0) ?? [];
  return (
    <div className="live-view">
      <canvas ref={canvas} data-testid="live-canvas" onClick={pick} style={{ cursor: onPick ? 'crosshair' : undefined }} />
      <p className="live-stats" data-testid="live-stats" data-boxes={tracks?.boxes.length ?? 0} data-attributes={withAttributes.length}>
        {tracks ? (
          <>
            <span title={STAT_HELP.people}>{tracks.boxes.length} people</span> · <span title={STAT_HELP.fps}>{tracks.fps.toFixed(1)} fps</span> ·{' '}
            <span title="Time from the frame leaving the decoder to its boxes being published">latency {tracks.latencyMs.toFixed(0)} ms</span> · frame {tracks.frameIndex}
          </>
        ) : (
          'waiting for frames…'
        )}
      </p>
      {!compact && (
        <ul data-testid="live-attributes">
          {withAttributes.map((b) => (
            <li key={b.trackerId} style={{ color: colour(b.trackerId) }}>
              #{b.trackerId} {Object.entries(b.attributes).map(([k, v]) => `${k}: ${attributeLabel(k, v, minConfidence)}`).join(' · ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
