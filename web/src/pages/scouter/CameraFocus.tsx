import type { Camera, CameraRegions, ScouterSettings } from '@sightline/contracts';
import { useEffect, useRef, useState } from 'react';
import { CameraStatsLine } from './CameraGrid.tsx';
import { CameraSettingsForm } from './CameraSettingsForm.tsx';
import { useCameraLive, type LiveStore } from './live-store.ts';
import { LiveView } from './LiveView.tsx';
import { updateCamera } from './scouter-api.ts';

type DrawKind = 'mask' | 'zone' | 'line';

const HELP: Record<DrawKind, string> = {
  mask: 'Click the corners of an area the detector should ignore, then Finish',
  zone: 'Click the corners of a zone (entering and leaving it are events), then Finish',
  line: 'Click the two ends of a counting line (crossing it is an event)',
};

/** The large view of one camera: fullscreen, settings, and masks/zones/lines drawn on the picture. */
export function CameraFocus({ base, camera, store, settings, onClose, onChanged, onRemoved }: {
  base: string;
  camera: Camera;
  store: LiveStore;
  settings: ScouterSettings;
  onClose: () => void;
  onChanged: () => void;
  onRemoved: () => void;
}) {
  const live = useCameraLive(store, camera.id);
  const picture = useRef<HTMLDivElement>(null);
  const [regions, setRegions] = useState<CameraRegions>(camera.regions);
  const [drawing, setDrawing] = useState<DrawKind>();
  const [regionName, setRegionName] = useState('');
  const [draft, setDraft] = useState<[number, number][]>([]);
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    setRegions(camera.regions);
    setDrawing(undefined);
    setDraft([]);
  }, [camera.id, camera.regions]);

  async function saveRegions(next: CameraRegions) {
    setRegions(next);
    try {
      await updateCamera(base, camera.id, { regions: next });
      setMessage('Regions saved; they apply from the next frames.');
      onChanged();
    } catch (err) {
      setMessage((err as Error).message);
      setRegions(camera.regions);
    }
  }

  function finish(points: [number, number][] = draft) {
    if (!drawing) return;
    const name = regionName.trim() || `${drawing} ${(drawing === 'zone' ? regions.zones : regions.lines).length + 1}`;
    let next: CameraRegions | undefined;
    if (drawing === 'mask' && points.length >= 3) next = { ...regions, masks: [...regions.masks, points] };
    if (drawing === 'zone' && points.length >= 3) next = { ...regions, zones: [...regions.zones, { name, polygon: points }] };
    if (drawing === 'line' && points.length === 2) next = { ...regions, lines: [...regions.lines, { name, from: points[0]!, to: points[1]! }] };
    if (!next) {
      setMessage(drawing === 'line' ? 'A line needs two points' : 'An area needs at least three corners');
      return;
    }
    setDrawing(undefined);
    setDraft([]);
    setRegionName('');
    void saveRegions(next);
  }

  function pick(x: number, y: number) {
    if (!drawing) return;
    const points: [number, number][] = [...draft, [x, y]];
    if (drawing === 'line' && points.length === 2) finish(points);
    else setDraft(points);
  }

  const fullscreen = () => void picture.current?.requestFullscreen?.().catch((err: Error) => setMessage(`Fullscreen refused: ${err.message}`));
  return (
    <div className="camera-focus" data-testid="live-view" data-camera-focus={camera.name}>
      <h2>
        {camera.name}{' '}
        <button type="button" onClick={fullscreen}>
          Fullscreen
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </h2>
      <div className="focus-body">
        <div className="focus-picture" ref={picture} data-testid="focus-picture">
          <LiveView tracks={live.tracks} frame={live.frame} minConfidence={settings.attributeMinConfidence} regions={regions} draft={draft} {...(drawing ? { onPick: pick } : {})} />
          <CameraStatsLine camera={camera} />
        </div>
        <div className="focus-side">
          <h3>Masks, zones and lines</h3>
          <p className="muted small">In the picture's pixels. A detection whose feet (box bottom-centre) fall in a mask is dropped before tracking.</p>
          {drawing ? (
            <div data-testid="drawing">
              <p>{HELP[drawing]}</p>
              {drawing !== 'mask' && (
                <label>
                  Name <input aria-label="Region name" value={regionName} onChange={(e) => setRegionName(e.target.value)} placeholder={drawing === 'zone' ? 'door' : 'gate'} />
                </label>
              )}
              <span>{draft.length} points</span> {drawing !== 'line' && <button type="button" onClick={() => finish()}>Finish</button>}
              <button type="button" onClick={() => (setDrawing(undefined), setDraft([]))}>
                Cancel
              </button>
            </div>
          ) : (
            <p>
              <button type="button" onClick={() => setDrawing('mask')}>Draw mask</button>
              <button type="button" onClick={() => setDrawing('zone')}>Draw zone</button>
              <button type="button" onClick={() => setDrawing('line')}>Draw line</button>
            </p>
          )}
          <ul data-testid="region-list">
            {regions.masks.map((m, i) => (
              <li key={`m${i}`}>
                mask {i + 1} ({m.length} corners) <button type="button" onClick={() => void saveRegions({ ...regions, masks: regions.masks.filter((_, j) => j !== i) })}>Delete</button>
              </li>
            ))}
            {regions.zones.map((z, i) => (
              <li key={`z${z.name}`}>
                zone “{z.name}” <button type="button" onClick={() => void saveRegions({ ...regions, zones: regions.zones.filter((_, j) => j !== i) })}>Delete</button>
              </li>
            ))}
            {regions.lines.map((l, i) => (
              <li key={`l${l.name}`}>
                line “{l.name}” <button type="button" onClick={() => void saveRegions({ ...regions, lines: regions.lines.filter((_, j) => j !== i) })}>Delete</button>
              </li>
            ))}
          </ul>
          {message && <p role="status">{message}</p>}
          <CameraSettingsForm base={base} camera={camera} onChanged={onChanged} onRemoved={onRemoved} />
        </div>
      </div>
    </div>
  );
}
