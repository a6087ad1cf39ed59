import { useState } from 'react';
import { DetectorChoice, useDetectors } from './DetectorChoice.tsx';
import { HeadChoices, useDeployedHeads } from './HeadChoices.tsx';
import { addCamera } from './scouter-api.ts';

/** Adds a camera: name, file or stream, frames per second, looping, detector, attribute heads. */
export function AddCameraForm({ base, onAdded, onError }: { base: string; onAdded: (id: number) => void; onError: (message: string | undefined) => void }) {
  const [form, setForm] = useState({ name: '', uri: '', fps: '10', loop: true, heads: [] as string[], detector: 'centernet' });
  const deployed = useDeployedHeads(base);
  const detectors = useDetectors(base);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    onError(undefined);
    try {
      const isFile = !/^(rtsps?|https?):\/\//i.test(form.uri.trim());
      const camera = await addCamera(base, {
        name: form.name.trim(),
        uri: form.uri.trim(),
        fps: Number(form.fps),
        ...(isFile ? { loop: form.loop } : {}),
        ...(form.heads.length > 0 ? { attributes: form.heads } : {}),
        detector: form.detector,
      });
      setForm({ ...form, name: '', uri: '' });
      onAdded(camera.id);
    } catch (err) {
      onError((err as Error).message);
    }
  }

  return (
    <form onSubmit={submit} data-testid="add-camera" className="scouter-form">
      <label>
        Name <input aria-label="Camera name" placeholder="entrance" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
      </label>
      <label>
        Source{' '}
        <input aria-label="Video file or stream URL" placeholder="../shared/data/video/clip.avi or rtsp://…" size={40} value={form.uri} onChange={(e) => setForm({ ...form, uri: e.target.value })} required />
      </label>
      <label title="Frames per second to decode and analyse">
        Frames per second <input aria-label="Frames per second" type="number" min="1" max="120" style={{ width: '4rem' }} value={form.fps} onChange={(e) => setForm({ ...form, fps: e.target.value })} />
      </label>
      <label>
        <input type="checkbox" checked={form.loop} onChange={(e) => setForm({ ...form, loop: e.target.checked })} /> loop files
      </label>
      <DetectorChoice form="New camera" detectors={detectors} value={form.detector} onChange={(detector) => setForm({ ...form, detector })} />
      <span className="head-choices" title="Attribute heads to run on tracked people">
        heads: <HeadChoices form="New camera" deployed={deployed} chosen={form.heads} onChange={(heads) => setForm({ ...form, heads })} />
      </span>
      <button type="submit">Add camera</button>
    </form>
  );
}
