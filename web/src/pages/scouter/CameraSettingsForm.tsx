import type { Camera } from '@sightline/contracts';
import { useEffect, useState } from 'react';
import { DetectorChoice, useDetectors } from './DetectorChoice.tsx';
import { HeadChoices, useDeployedHeads } from './HeadChoices.tsx';
import { removeCamera, updateCamera } from './scouter-api.ts';

const isFile = (uri: string) => !/^(rtsps?|https?):\/\//i.test(uri.trim());

/** A camera's settings: name, source, frames per second, looping, detector, attribute heads, enabled; remove after a confirmation. */
export function CameraSettingsForm({ base, camera, onChanged, onRemoved }: { base: string; camera: Camera; onChanged: () => void; onRemoved: () => void }) {
  const initial = () => ({ name: camera.name, uri: camera.uri, fps: String(camera.fps), loop: camera.loop, enabled: camera.enabled, heads: camera.attributes, detector: camera.detector });
  const [form, setForm] = useState(initial);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string>();
  const deployed = useDeployedHeads(base);
  const detectors = useDetectors(base);
  useEffect(() => setForm(initial()), [camera.id, camera.updatedAt]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setMessage(undefined);
    try {
      await updateCamera(base, camera.id, {
        name: form.name.trim(),
        uri: form.uri.trim(),
        fps: Number(form.fps),
        loop: isFile(form.uri) ? form.loop : false,
        enabled: form.enabled,
        attributes: form.heads,
        detector: form.detector,
      });
      setMessage('Saved.');
      onChanged();
    } catch (err) {
      setMessage((err as Error).message);
    }
  }

  async function remove() {
    try {
      await removeCamera(base, camera.id);
      onRemoved();
    } catch (err) {
      setMessage((err as Error).message);
    }
  }

  return (
    <form onSubmit={save} data-testid="camera-settings">
      <h3>Settings</h3>
      <p>
        <label>
          Name <input aria-label="Settings name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
        </label>
      </p>
      <p>
        <label>
          Source <input aria-label="Settings source" size={32} value={form.uri} onChange={(e) => setForm({ ...form, uri: e.target.value })} required />
        </label>
      </p>
      <p>
        <label title="Frames per second to decode and analyse">
          Frames per second <input aria-label="Settings frames per second" type="number" min="1" max="120" style={{ width: '4rem' }} value={form.fps} onChange={(e) => setForm({ ...form, fps: e.target.value })} />
        </label>
        <label>
          <input type="checkbox" checked={form.loop} disabled={!isFile(form.uri)} onChange={(e) => setForm({ ...form, loop: e.target.checked })} /> loop
        </label>
        <label>
          <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> enabled
        </label>
      </p>
      <p>
        Stages: detect people with <DetectorChoice form="Settings" detectors={detectors} value={form.detector} onChange={(detector) => setForm({ ...form, detector })} />, track{' '}
        <HeadChoices form="Settings" deployed={deployed} chosen={form.heads} onChange={(heads) => setForm({ ...form, heads })} />
      </p>
      <button type="submit">Save settings</button>
      {confirming ? (
        <span className="confirm" role="alertdialog" aria-label="Confirm removal">
          Remove “{camera.name}” and all its tracks, observations and events?{' '}
          <button type="button" onClick={() => void remove()}>
            Yes, remove
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Remove camera
        </button>
      )}
      {message && <p role="status">{message}</p>}
    </form>
  );
}
