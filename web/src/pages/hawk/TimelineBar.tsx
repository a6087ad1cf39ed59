import { useEffect, useState } from 'react';

export interface TimelineProps {
  /** 0-based indices of the frames one may visit (the assignment's range, else the whole video). */
  readonly lo: number;
  readonly hi: number;
  readonly frame: number;
  readonly frameCount: number;
  readonly fps: number;
  /** 0-based frames of the selected track's keyframes. */
  readonly keyframes: readonly number[];
  onGo(frame: number): void;
}

/**
 * The frame slider with keyframe markers, step buttons, play/pause at the video's rate and a
 * go-to-frame box. Numbers shown count from 1, as in MOT files.
 */
export function TimelineBar(p: TimelineProps) {
  const [playing, setPlaying] = useState(false);
  const [target, setTarget] = useState('');
  useEffect(() => {
    if (!playing) return;
    if (p.frame >= p.hi) return setPlaying(false);
    const timer = setTimeout(() => p.onGo(p.frame + 1), 1000 / Math.max(1, p.fps));
    return () => clearTimeout(timer);
  }, [playing, p.frame, p.hi, p.fps]);
  const span = Math.max(1, p.hi - p.lo);
  return (
    <div className="hawk-scrubber">
      <button onClick={() => p.onGo(p.frame - 1)} data-testid="hawk-prev">◀</button>
      <button onClick={() => setPlaying((x) => !x)} data-testid="hawk-play" data-playing={playing}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <div className="hawk-timeline">
        <input
          type="range"
          min={p.lo}
          max={p.hi}
          value={p.frame}
          onChange={(e) => p.onGo(Number(e.target.value))}
          // The slider keeps focus after a drag; give the keys back to the editor (A/D stepping).
          onMouseUp={(e) => e.currentTarget.blur()}
          data-testid="hawk-scrubber"
        />
        <div className="hawk-keyframes" data-testid="hawk-keyframes" data-count={p.keyframes.length}>
          {p.keyframes.filter((k) => k >= p.lo && k <= p.hi).map((k) => (
            <span key={k} title={`keyframe at frame ${k + 1}`} style={{ left: `${((k - p.lo) / span) * 100}%` }} />
          ))}
        </div>
      </div>
      <button onClick={() => p.onGo(p.frame + 1)} data-testid="hawk-next">▶</button>
      <span data-testid="hawk-frame" data-frame={p.frame}>
        frame {p.frame + 1} / {p.frameCount}
      </span>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number(target);
          if (Number.isInteger(n) && n >= 1) p.onGo(n - 1);
          setTarget('');
          (document.activeElement as HTMLElement | null)?.blur();
        }}
      >
        <input placeholder="go to" value={target} onChange={(e) => setTarget(e.target.value)} style={{ width: '4.5em' }} data-testid="hawk-goto" />
      </form>
      {(p.lo > 0 || p.hi < p.frameCount - 1) && (
        <span className="muted" data-testid="hawk-range" data-from={p.lo + 1} data-to={p.hi + 1}>
          assigned frames {p.lo + 1}–{p.hi + 1}
        </span>
      )}
    </div>
  );
}
