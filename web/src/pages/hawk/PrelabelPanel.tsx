import type { HawkLabelSchema, HawkPrelabelBody, HawkPrelabelJob, HawkVideo } from '@sightline/contracts';
import { useState } from 'react';
import { api } from './api.ts';
import { usePrelabelJob } from './use-prelabel-job.ts';

type ClassChoice = { label: string; detector: string; on: boolean };

function describe(job: HawkPrelabelJob): string {
  const frames = job.frameTo - job.frameFrom + 1;
  switch (job.status) {
    case 'queued':
      return `Job ${job.id} queued (waiting for a Scouter worker)…`;
    case 'running':
      return `Job ${job.id}: detecting, ${job.framesDone} / ${frames} frames…`;
    case 'done':
      return `Job ${job.id}: ${job.boxes} boxes found; writing them into the set…`;
    case 'applied':
      return `Job ${job.id}: added ${job.boxes} boxes (${job.tracks} tracks) on frames ${job.frameFrom + 1}–${job.frameTo + 1} as version ${job.appliedVersion}${job.replaced !== null ? `, replacing ${job.replaced} earlier model boxes/tracks` : ''}.`;
    case 'failed':
      return `Job ${job.id} failed: ${job.error ?? 'no reason given'}`;
  }
}

/**
 * "Pre-label with detector": runs the detector (in a Scouter worker) over a frame range of this set's
 * video and follows the job; `onApplied` reloads the set so the boxes can be edited.
 */
export function PrelabelPanel(props: { setId: number; video: HawkVideo; schema: HawkLabelSchema; frame: number; beforeRun: () => Promise<void>; onApplied: (job: HawkPrelabelJob) => void }) {
  const { setId, video, schema } = props;
  const last = video.frameCount - 1;
  const [range, setRange] = useState({ from: 0, to: last });
  const [classes, setClasses] = useState<ClassChoice[]>(() => schema.classes.map((c) => ({ label: c.name, detector: c.name, on: c.name === 'person' })));
  const [model, setModel] = useState<HawkPrelabelBody['model']>('centernet');
  const [scoreThreshold, setScoreThreshold] = useState(0.4);
  const [track, setTrack] = useState(true);
  const [replace, setReplace] = useState(true);
  const [error, setError] = useState('');
  const followed = usePrelabelJob((job) => job.status === 'applied' && props.onApplied(job));
  const running = !!followed.job && followed.job.status !== 'applied' && followed.job.status !== 'failed';
  const chosen = classes.filter((c) => c.on && c.detector.trim());

  const run = async () => {
    setError('');
    try {
      await props.beforeRun();
      const body: HawkPrelabelBody = { frameFrom: range.from, frameTo: range.to, setId, classes: chosen.map((c) => ({ detector: c.detector.trim(), label: c.label })), model, scoreThreshold, track, replace };
      followed.follow(await api<HawkPrelabelJob>('POST', `/videos/${video.id}/prelabel`, body));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const clamp = (v: number) => Math.max(0, Math.min(last, Math.round(v) || 0));
  const job = followed.job;

  return (
    <details className="hawk-prelabel" data-testid="hawk-prelabel" open>
      <summary>Pre-label with detector</summary>
      <div className="hawk-prelabel-form">
        <label>
          frames <input type="number" min={1} max={last + 1} value={range.from + 1} onChange={(e) => setRange((r) => ({ ...r, from: clamp(Number(e.target.value) - 1) }))} data-testid="hawk-prelabel-from" />
        </label>
        <label>
          to <input type="number" min={1} max={last + 1} value={range.to + 1} onChange={(e) => setRange((r) => ({ ...r, to: clamp(Number(e.target.value) - 1) }))} data-testid="hawk-prelabel-to" />
        </label>
        <button onClick={() => setRange({ from: props.frame, to: props.frame })} data-testid="hawk-prelabel-this-frame">this frame</button>
        <button onClick={() => setRange({ from: 0, to: last })}>whole video</button>
        <label title="NanoDet finds people better; Scouter needs its weights first (npx sightline models fetch nanodet on the Scouter machine), else the job fails saying so.">
          detector{' '}
          <select value={model} onChange={(e) => setModel(e.target.value as HawkPrelabelBody['model'])} data-testid="hawk-prelabel-model">
            <option value="centernet">centernet</option>
            <option value="nanodet">nanodet</option>
          </select>
        </label>
        <label>
          min score <input type="number" min={0.05} max={1} step={0.05} value={scoreThreshold} onChange={(e) => setScoreThreshold(Math.max(0.05, Math.min(1, Number(e.target.value) || 0.4)))} data-testid="hawk-prelabel-score" />
        </label>
        <label>
          <input type="checkbox" checked={track} onChange={(e) => setTrack(e.target.checked)} data-testid="hawk-prelabel-track" /> link into tracks
        </label>
        <label title="Removes boxes and tracks an earlier run wrote in this range that nobody has edited; boxes people drew or changed stay.">
          <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} data-testid="hawk-prelabel-replace" /> replace earlier model boxes
        </label>
      </div>
      <table className="hawk-prelabel-classes">
        <thead>
          <tr>
            <th>class</th>
            <th>from detector class (COCO name)</th>
          </tr>
        </thead>
        <tbody>
          {classes.map((c, i) => (
            <tr key={c.label}>
              <td>
                <label>
                  <input type="checkbox" checked={c.on} onChange={(e) => setClasses((cs) => cs.map((x, k) => (k === i ? { ...x, on: e.target.checked } : x)))} data-testid={`hawk-prelabel-class-${c.label}`} /> {c.label}
                </label>
              </td>
              <td>
                <input value={c.detector} disabled={!c.on} onChange={(e) => setClasses((cs) => cs.map((x, k) => (k === i ? { ...x, detector: e.target.value } : x)))} data-testid={`hawk-prelabel-detector-${c.label}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button onClick={() => void run()} disabled={running || chosen.length === 0 || range.to < range.from} data-testid="hawk-prelabel-run">
        {running ? 'Pre-labeling…' : 'Pre-label with detector'}
      </button>
      {chosen.length === 0 && <span className="muted"> pick at least one class</span>}
      {job && (
        <p data-testid="hawk-prelabel-status" data-status={job.status} data-job={job.id} data-via={followed.via ?? ''} data-boxes={job.boxes ?? ''} data-replaced={job.replaced ?? ''} className={job.status === 'failed' ? 'hawk-error' : ''}>
          {running && <progress max={job.frameTo - job.frameFrom + 1} value={job.framesDone} />} {describe(job)}
          {running && !followed.socketConnected && <span className="muted"> (live updates offline: checking every second)</span>}
        </p>
      )}
      {error && <p className="hawk-error" data-testid="hawk-prelabel-error">{error}</p>}
    </details>
  );
}
