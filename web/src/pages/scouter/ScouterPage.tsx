import type { Camera, CameraStateEvent, ScouterClientEvents, ScouterEvent, ScouterServerEvents, ScouterSettings } from '@sightline/contracts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { loadWebConfig } from '../../lib/config.ts';
import { navigate, usePath } from '../../lib/router.ts';
import { AddCameraForm } from './AddCameraForm.tsx';
import { CameraFocus } from './CameraFocus.tsx';
import { CameraGrid } from './CameraGrid.tsx';
import { EventTimeline } from './EventTimeline.tsx';
import { FlowEditor } from './FlowEditor.tsx';
import { InferenceEngines } from './InferenceEngines.tsx';
import { LiveStore } from './live-store.ts';
import { getSettings, listCameras } from './scouter-api.ts';
import { socketAuth } from '../../lib/session.ts';

const DEFAULT_SETTINGS: ScouterSettings = { attributeMinConfidence: 0.6, eventRetentionHours: 168, eventMaxPerCamera: 10_000, previewFps: 2, previewFocusFps: 8 };

const TABS = [
  { path: '/scouter', label: 'Cameras' },
  { path: '/scouter/events', label: 'Events' },
  { path: '/scouter/flows', label: 'Flows' },
] as const;

/** /scouter: every camera live in a grid (click for a large view), events, and the flow editor. */
export function ScouterPage() {
  const path = usePath();
  const [base, setBase] = useState<string>();
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [settings, setSettings] = useState<ScouterSettings>(DEFAULT_SETTINGS);
  const [focus, setFocus] = useState<number>();
  const [error, setError] = useState<string>();
  const [lastEvent, setLastEvent] = useState<ScouterEvent>();
  const store = useMemo(() => new LiveStore(), []);
  const socketRef = useRef<Socket<ScouterServerEvents, ScouterClientEvents> | undefined>(undefined);

  const refresh = useCallback(async () => {
    if (!base) return;
    try {
      setCameras(await listCameras(base));
    } catch (err) {
      setError(`Scouter is unreachable: ${(err as Error).message}`);
    }
  }, [base]);

  useEffect(() => {
    void loadWebConfig().then((c) => setBase(c.services.scouter)).catch((err: Error) => setError(err.message));
  }, []);
  useEffect(() => void refresh(), [refresh]);
  useEffect(() => {
    if (base) void getSettings(base).then(setSettings).catch(() => undefined);
  }, [base]);

  useEffect(() => {
    if (!base) return;
    const socket: Socket<ScouterServerEvents, ScouterClientEvents> = io(base, { transports: ['websocket'], auth: socketAuth() });
    socketRef.current = socket;
    socket.on('scouter:cameras-changed', () => void refresh());
    socket.on('scouter:camera-state', (e: CameraStateEvent) =>
      setCameras((list) => list.map((c) => (c.id === e.cameraId ? { ...c, state: e.state, stateMessage: e.message, workerId: e.workerId, stats: e.stats } : c))),
    );
    socket.on('scouter:tracks', (e) => store.tracks(e));
    socket.on('scouter:frame', (e) => store.frame(e));
    socket.on('scouter:event', (e) => setLastEvent(e));
    return () => {
      socketRef.current = undefined;
      void socket.close();
    };
  }, [base, refresh, store]);

  // Tell Scouter what this page shows, so the large view gets more and larger previews than the grid.
  const onCameras = path === '/scouter' || path === '/scouter/';
  const watched = onCameras ? cameras.map((c) => c.id).join(',') : '';
  useEffect(() => {
    const socket = socketRef.current;
    if (!socket) return;
    const send = () => socket.emit('scouter:watch', { grid: watched ? watched.split(',').map(Number) : [], focus: onCameras ? (focus ?? null) : null });
    send();
    socket.on('connect', send);
    return () => void socket.off('connect', send);
  }, [watched, focus, onCameras, base]);

  const current = cameras.find((c) => c.id === focus);
  return (
    <section className="scouter">
      <h1>Scouter — live inference</h1>
      <nav className="scouter-tabs">
        {TABS.map((t) => (
          <button key={t.path} type="button" className={path === t.path ? 'active' : ''} onClick={() => navigate(t.path)}>
            {t.label}
          </button>
        ))}
      </nav>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {base && onCameras && (
        <>
          <AddCameraForm base={base} onAdded={() => void refresh()} onError={setError} />
          {current ? (
            <CameraFocus
              base={base}
              camera={current}
              store={store}
              settings={settings}
              onClose={() => setFocus(undefined)}
              onChanged={() => void refresh()}
              onRemoved={() => {
                setFocus(undefined);
                void refresh();
              }}
            />
          ) : null}
          <CameraGrid cameras={cameras} store={store} settings={settings} focus={focus} onOpen={setFocus} />
          <InferenceEngines base={base} refreshKey={cameras.map((c) => `${c.id}:${c.state}`).join(',')} />
        </>
      )}
      {base && path.startsWith('/scouter/events') && <EventTimeline base={base} cameras={cameras} settings={settings} lastEvent={lastEvent} />}
      {base && path.startsWith('/scouter/flows') && <FlowEditor base={base} cameras={cameras} onChanged={() => void refresh()} />}
    </section>
  );
}
