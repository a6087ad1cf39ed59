import type { Camera, CameraStateEvent, FrameEvent, ScouterServerEvents, TracksEvent } from '@sightline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { loadWebConfig } from '../../lib/config.ts';
import { LiveView } from './LiveView.tsx';
import { addCamera, listCameras, removeCamera } from './scouter-api.ts';
import { socketAuth } from '../../lib/session.ts';

/** /scouter: cameras with their pipeline state, add/remove, and a live view of the selected camera. */
export function ScouterPage() {
  const [base, setBase] = useState<string>();
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [selected, setSelected] = useState<number>();
  const [tracks, setTracks] = useState<TracksEvent>();
  const [frame, setFrame] = useState<FrameEvent>();
  const [error, setError] = useState<string>();
  const [form, setForm] = useState({ name: '', uri: '', fps: '10', loop: true, faces: false });

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
    if (!base) return;
    const socket: Socket<ScouterServerEvents> = io(base, { transports: ['websocket'], auth: socketAuth() });
    socket.on('scouter:cameras-changed', () => void refresh());
    socket.on('scouter:camera-state', (e: CameraStateEvent) =>
      setCameras((list) => list.map((c) => (c.id === e.cameraId ? { ...c, state: e.state, stateMessage: e.message, workerId: e.workerId, stats: e.stats } : c))),
    );
    socket.on('scouter:tracks', (e) => setTracks((prev) => (e.cameraId === selectedRef.current ? e : prev)));
    socket.on('scouter:frame', (e) => setFrame((prev) => (e.cameraId === selectedRef.current ? e : prev)));
    return () => void socket.close();
  }, [base, refresh]);

  useEffect(() => {
    selectedRef.current = selected;
    setTracks(undefined);
    setFrame(undefined);
  }, [selected]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!base) return;
    setError(undefined);
    try {
      const isFile = !/^(rtsps?|https?):\/\//i.test(form.uri.trim());
      const camera = await addCamera(base, {
        name: form.name.trim(),
        uri: form.uri.trim(),
        fps: Number(form.fps),
        ...(isFile ? { loop: form.loop } : {}),
        ...(form.faces ? { attributes: ['age', 'gender'] } : {}),
      });
      setForm({ ...form, name: '', uri: '' });
      setSelected(camera.id);
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const current = cameras.find((c) => c.id === selected);
  return (
    <section className="scouter">
      <h1>Scouter — live inference</h1>
      <form onSubmit={submit} data-testid="add-camera">
        <input aria-label="Camera name" placeholder="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
        <input aria-label="Video file or stream URL" placeholder="../shared/data/video/clip.avi or rtsp://…" size={48} value={form.uri} onChange={(e) => setForm({ ...form, uri: e.target.value })} required />
        <input aria-label="Frames per second" type="number" min="1" max="120" value={form.fps} onChange={(e) => setForm({ ...form, fps: e.target.value })} />
        <label>
          <input type="checkbox" checked={form.loop} onChange={(e) => setForm({ ...form, loop: e.target.checked })} /> loop files
        </label>
        <label>
          <input type="checkbox" checked={form.faces} onChange={(e) => setForm({ ...form, faces: e.target.checked })} /> age &amp; gender
        </label>
        <button type="submit">Add camera</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <table data-testid="camera-list">
        <thead>
          <tr>
            <th>Camera</th>
            <th>State</th>
            <th>fps</th>
            <th>latency p50/p95</th>
            <th>dropped</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {cameras.map((c) => (
            <tr key={c.id} data-camera={c.name} data-state={c.state} className={c.id === selected ? 'selected' : ''} onClick={() => setSelected(c.id)}>
              <td title={c.uri}>
                {c.name}
                {c.attributes.length > 0 ? ` (${c.attributes.join(', ')})` : ''}
              </td>
              <td title={c.stateMessage ?? ''}>{c.state}{c.stateMessage ? ` — ${c.stateMessage}` : ''}</td>
              <td>{c.stats.fps.toFixed(1)}</td>
              <td>{c.stats.latencyMsP50 === null ? '–' : `${c.stats.latencyMsP50.toFixed(0)} / ${(c.stats.latencyMsP95 ?? 0).toFixed(0)} ms`}</td>
              <td>{c.stats.framesDropped} / {c.stats.framesDecoded}</td>
              <td>
                <button type="button" onClick={(e) => { e.stopPropagation(); void removeCamera(base!, c.id).then(refresh).catch((err: Error) => setError(err.message)); if (c.id === selected) setSelected(undefined); }}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {current && (
        <div data-testid="live-view">
          <h2>{current.name}</h2>
          <LiveView tracks={tracks} frame={frame} />
        </div>
      )}
    </section>
  );
}

const selectedRef: { current: number | undefined } = { current: undefined };
