import type { FrameEvent, TracksEvent } from '@sightline/contracts';
import { useEffect, useRef } from 'react';

const TRAIL = 30;

function colour(id: number): string {
  return `hsl(${(id * 67) % 360} 90% 55%)`;
}

/** The camera's JPEG preview with the latest boxes, track ids, trails and attributes drawn over it. */
export function LiveView({ tracks, frame }: { tracks: TracksEvent | undefined; frame: FrameEvent | undefined }) {
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
    if (!c || !tracks) return;
    c.width = tracks.width;
    c.height = tracks.height;
    const g = c.getContext('2d')!;
    if (image.current) g.drawImage(image.current, 0, 0, tracks.width, tracks.height);
    else {
      g.fillStyle = '#111';
      g.fillRect(0, 0, c.width, c.height);
    }
    for (const b of tracks.boxes) {
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
      // Smoothed per track: age in years, gender; the confidence shows how settled each value is.
      const attrs = Object.entries(b.attributes).map(([k, v]) => `${typeof v.value === 'number' ? `${k} ${Math.round(v.value)}` : v.value} ${Math.round(v.confidence * 100)}%`);
      const label = [`#${b.trackerId}`, ...attrs].join(' ');
      g.fillStyle = colour(b.trackerId);
      g.font = '12px sans-serif';
      g.fillText(label, x1 + 2, Math.max(12, y1 - 3));
    }
  }, [tracks]);

  return (
    <div>
      <canvas ref={canvas} data-testid="live-canvas" style={{ maxWidth: '100%', background: '#111' }} />
      <p data-testid="live-stats" data-boxes={tracks?.boxes.length ?? 0} data-attributes={tracks?.boxes.filter((b) => Object.keys(b.attributes).length > 0).length ?? 0}>
        {tracks ? `${tracks.boxes.length} people · ${tracks.fps.toFixed(1)} fps · latency ${tracks.latencyMs.toFixed(0)} ms · frame ${tracks.frameIndex}` : 'waiting for frames…'}
      </p>
      <ul data-testid="live-attributes">
        {tracks?.boxes
          .filter((b) => Object.keys(b.attributes).length > 0)
          .map((b) => (
            <li key={b.trackerId} style={{ color: colour(b.trackerId) }}>
              #{b.trackerId}{' '}
              {Object.entries(b.attributes)
                .map(([k, v]) => `${k} ${typeof v.value === 'number' ? Math.round(v.value) : v.value} (${Math.round(v.confidence * 100)}%)`)
                .join(' · ')}
            </li>
          ))}
      </ul>
    </div>
  );
}
