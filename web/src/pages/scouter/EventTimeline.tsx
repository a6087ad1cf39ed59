import type { Camera, EventKind, ScouterEvent, ScouterSettings } from '@sightline/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { attributeLabel } from './labels.ts';
import { listEvents, snapshotUrl } from './scouter-api.ts';
import { WebhookSettings } from './WebhookSettings.tsx';

const KIND_TEXT: Record<EventKind, string> = {
  'track-started': 'appeared',
  'track-ended': 'left the view',
  'zone-entered': 'entered zone',
  'zone-left': 'left zone',
  'line-crossed': 'crossed line',
};

/** "person entered zone door", "person crossed line gate (in)". */
export function describeEvent(e: ScouterEvent): string {
  const where = e.region ? ` ${e.region}` : '';
  return `${e.className} ${KIND_TEXT[e.kind]}${where}${e.direction ? ` (${e.direction})` : ''}`;
}

/** Events newest first, for one camera or all, filtered by class, kind and attribute; new ones arrive live. */
export function EventTimeline({ base, cameras, settings, lastEvent }: { base: string; cameras: Camera[]; settings: ScouterSettings; lastEvent: ScouterEvent | undefined }) {
  const [filter, setFilter] = useState({ cameraId: '', className: '', kind: '', attribute: '' });
  const [events, setEvents] = useState<ScouterEvent[]>([]);
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    try {
      setEvents(
        await listEvents(base, {
          ...(filter.cameraId ? { cameraId: Number(filter.cameraId) } : {}),
          ...(filter.className.trim() ? { className: filter.className.trim() } : {}),
          ...(filter.kind ? { kind: filter.kind as EventKind } : {}),
          ...(filter.attribute.trim() ? { attribute: filter.attribute.trim() } : {}),
          limit: 200,
        }),
      );
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [base, filter]);
  useEffect(() => void load(), [load]);
  // New events arrive in bursts (several people at once): reload at most once a second.
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => {
    if (!lastEvent || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      void load();
    }, 1000);
  }, [lastEvent, load]);
  useEffect(() => () => clearTimeout(pending.current), []);

  return (
    <div data-testid="event-timeline">
      <form className="scouter-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          Camera{' '}
          <select aria-label="Event camera" value={filter.cameraId} onChange={(e) => setFilter({ ...filter, cameraId: e.target.value })}>
            <option value="">all cameras</option>
            {cameras.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Class <input aria-label="Event class" placeholder="person" size={8} value={filter.className} onChange={(e) => setFilter({ ...filter, className: e.target.value })} />
        </label>
        <label>
          Kind{' '}
          <select aria-label="Event kind" value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value })}>
            <option value="">all kinds</option>
            {Object.entries(KIND_TEXT).map(([k, text]) => (
              <option key={k} value={k}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <label title={`head=value, e.g. gender=female or age=30; matches values with at least ${Math.round(settings.attributeMinConfidence * 100)}% confidence`}>
          Attribute <input aria-label="Event attribute" placeholder="gender=female" size={12} value={filter.attribute} onChange={(e) => setFilter({ ...filter, attribute: e.target.value })} />
        </label>
      </form>
      {error && <p role="alert">{error}</p>}
      <p className="muted">
        {events.length} events shown, newest first; kept {settings.eventRetentionHours} hours, at most {settings.eventMaxPerCamera} per camera.
      </p>
      <ul className="event-list">
        {events.map((e) => (
          <li key={e.id} data-event-kind={e.kind} data-event-region={e.region ?? ''}>
            {e.hasSnapshot && <img src={snapshotUrl(base, e.id)} alt={`snapshot: ${describeEvent(e)}`} loading="lazy" />}
            <strong>{describeEvent(e)}</strong>
            <br />
            {e.cameraName} · #{e.trackerId} · <time dateTime={e.occurredAt}>{new Date(e.occurredAt).toLocaleString()}</time>
            {Object.keys(e.attributes).length > 0 && (
              <>
                <br />
                {Object.entries(e.attributes)
                  .map(([k, v]) => `${k}: ${attributeLabel(k, v, settings.attributeMinConfidence)}`)
                  .join(' · ')}
              </>
            )}
          </li>
        ))}
      </ul>
      <WebhookSettings base={base} />
    </div>
  );
}
