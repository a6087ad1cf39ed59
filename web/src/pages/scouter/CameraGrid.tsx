import type { Camera, ScouterSettings } from '@sightline/contracts';
import { droppedLabel, predictedLabel, STAT_HELP } from './labels.ts';
import { useCameraLive, type LiveStore } from './live-store.ts';
import { LiveView } from './LiveView.tsx';

/** One camera's state and statistics, each labelled, with what it counts in a tooltip. */
export function CameraStatsLine({ camera }: { camera: Camera }) {
  const s = camera.stats;
  return (
    <p className="camera-stats" data-testid="camera-stats">
      <span className={`state state-${camera.state}`} title={camera.stateMessage ?? ''}>
        {camera.state}
        {camera.stateMessage ? ` — ${camera.stateMessage}` : ''}
      </span>{' '}
      · <span title={STAT_HELP.fps}>processed {s.fps.toFixed(1)} fps</span> ·{' '}
      <span title={STAT_HELP.latency}>latency {s.latencyMsP50 === null ? '–' : `${s.latencyMsP50.toFixed(0)} / ${(s.latencyMsP95 ?? 0).toFixed(0)} ms`}</span> ·{' '}
      <span title={STAT_HELP.dropped} data-testid="dropped">
        {droppedLabel(s)}
      </span>
      {s.framesPredicted > 0 && (
        <>
          {' '}
          ·{' '}
          <span title={STAT_HELP.predicted} data-testid="predicted">
            {predictedLabel(s)}
          </span>
        </>
      )}
      {s.reconnects > 0 && (
        <>
          {' '}
          · <span title={STAT_HELP.reconnects}>{s.reconnects} reconnects</span>
        </>
      )}
    </p>
  );
}

function CameraTile({ camera, store, settings, selected, onOpen }: { camera: Camera; store: LiveStore; settings: ScouterSettings; selected: boolean; onOpen: () => void }) {
  const live = useCameraLive(store, camera.id);
  return (
    <article className={`camera-tile${selected ? ' selected' : ''}`} data-camera={camera.name} data-state={camera.state}>
      <button type="button" className="tile-open" onClick={onOpen} title="Open the large view: fullscreen, settings, masks, zones and lines">
        <strong>{camera.name}</strong>
        {camera.attributes.length > 0 ? ` (${camera.attributes.join(', ')})` : ''} — open
      </button>
      <div role="presentation" onClick={onOpen} className="tile-picture">
        <LiveView tracks={live.tracks} frame={live.frame} minConfidence={settings.attributeMinConfidence} regions={camera.regions} compact />
      </div>
      <CameraStatsLine camera={camera} />
    </article>
  );
}

/** Every camera live; as many columns as fit the screen. */
export function CameraGrid({ cameras, store, settings, focus, onOpen }: { cameras: Camera[]; store: LiveStore; settings: ScouterSettings; focus: number | undefined; onOpen: (id: number) => void }) {
  if (cameras.length === 0) return <p className="muted">No cameras yet: add a video file or a stream above.</p>;
  return (
    <div className="camera-grid" data-testid="camera-grid">
      {cameras.map((c) => (
        <CameraTile key={c.id} camera={c} store={store} settings={settings} selected={c.id === focus} onOpen={() => onOpen(c.id)} />
      ))}
    </div>
  );
}
