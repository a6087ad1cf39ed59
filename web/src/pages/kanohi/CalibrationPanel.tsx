import type { BackfillJob, CalibrationSolution, Floor, KanohiCamera } from '@sightline/contracts';
import { useEffect, useRef, useState } from 'react';
import { kanohi, kanohiUrl, scouterFrame } from './api.ts';
import type { FloorXy } from './floor-map.ts';

export interface PointPairDraft {
  imageXy?: FloorXy;
  floorXy?: FloorXy;
}

/**
 * Calibration of one camera: a still of its view (the camera's current frame from Scouter, a URL the
 * user gives, or an uploaded image; kept as the camera's snapshot) to click image points on, floor points clicked on the map, the solved per-point errors, and saving.
 */
export function CalibrationPanel(props: {
  floor: Floor;
  cameras: KanohiCamera[];
  pairs: PointPairDraft[];
  setPairs: (pairs: PointPairDraft[]) => void;
  onSaved: () => void;
}) {
  const { floor, cameras, pairs, setPairs } = props;
  const [cameraId, setCameraId] = useState<number | undefined>(cameras[0]?.id);
  const [snapshotUrl, setSnapshotUrl] = useState('');
  const [imageSrc, setImageSrc] = useState<string>();
  const [frameWh, setFrameWh] = useState<[number, number]>();
  const [solution, setSolution] = useState<CalibrationSolution>();
  const [message, setMessage] = useState<string>();
  const [backfill, setBackfill] = useState<BackfillJob>();
  const image = useRef<HTMLImageElement>(null);
  const camera = cameras.find((c) => c.id === cameraId);

  useEffect(() => {
    if (cameraId === undefined && cameras[0]) setCameraId(cameras[0].id);
  }, [cameras, cameraId]);
  useEffect(() => {
    if (camera?.snapshot) void kanohiUrl().then((base) => setImageSrc(base + camera.snapshot!.url));
    setPairs(camera?.calibration ? camera.calibration.points.map((p) => ({ imageXy: [...p.imageXy], floorXy: [...p.floorXy] })) : []);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cameraId]);

  const complete = pairs.filter((p): p is Required<PointPairDraft> => !!p.imageXy && !!p.floorXy);
  useEffect(() => {
    if (complete.length < 4) {
      setSolution(undefined);
      setMessage(complete.length > 0 ? `${complete.length} of at least 4 point pairs` : undefined);
      return;
    }
    let stale = false;
    kanohi
      .solve(complete, frameWh)
      .then((s) => !stale && (setSolution(s), setMessage(undefined)))
      .catch((err: Error) => !stale && (setSolution(undefined), setMessage(err.message)));
    return () => {
      stale = true;
    };
  }, [JSON.stringify(complete), frameWh?.[0], frameWh?.[1]]);

  const clickImage = (e: React.MouseEvent<HTMLImageElement>) => {
    const img = e.currentTarget;
    const rect = img.getBoundingClientRect();
    const xy: FloorXy = [((e.clientX - rect.left) * img.naturalWidth) / rect.width, ((e.clientY - rect.top) * img.naturalHeight) / rect.height];
    const next = [...pairs];
    const open = next.findIndex((p) => !p.imageXy);
    if (open >= 0) next[open] = { ...next[open], imageXy: xy };
    else next.push({ imageXy: xy });
    setPairs(next);
  };

  const upload = async (file: File | undefined) => {
    if (!file || cameraId === undefined) return;
    try {
      const updated = await kanohi.uploadSnapshot(cameraId, file);
      setImageSrc((await kanohiUrl()) + updated.snapshot!.url);
    } catch (err) {
      setMessage((err as Error).message);
    }
  };

  // The camera's latest frame from Scouter becomes its snapshot, so the still matches what it sees now.
  const useCurrentFrame = async () => {
    if (cameraId === undefined) return;
    try {
      const frame = await scouterFrame(cameraId);
      const updated = await kanohi.uploadSnapshot(cameraId, frame.jpeg);
      setImageSrc(`${await kanohiUrl()}${updated.snapshot!.url}?frame=${frame.frameIndex}`);
      setMessage(`Frame ${frame.frameIndex} of ${frame.capturedAt ? new Date(frame.capturedAt).toLocaleString() : 'now'}`);
    } catch (err) {
      setMessage((err as Error).message);
    }
  };

  const save = async () => {
    if (cameraId === undefined) return;
    try {
      const saved = await kanohi.saveCalibration(cameraId, floor.id, complete, frameWh);
      setMessage(`Saved calibration version ${saved.version} (rms ${saved.rmsErrorM.toFixed(3)} m)`);
      props.onSaved();
      // Observations stored before this version are projected by a job: follow its progress.
      for (;;) {
        const job = await kanohi.backfill(cameraId);
        setBackfill(job);
        if (job.status !== 'queued' && job.status !== 'running') break;
        await new Promise((r) => setTimeout(r, 500));
      }
    } catch (err) {
      setMessage((err as Error).message);
    }
  };

  if (cameras.length === 0) return <p className="muted">No cameras yet: add one in Scouter, then calibrate it here.</p>;
  return (
    <div className="kanohi-calibration" data-testid="calibration-panel">
      <label>
        Camera{' '}
        <select data-testid="camera-select" value={cameraId ?? ''} onChange={(e) => setCameraId(Number(e.target.value))}>
          {cameras.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.calibration ? ` (v${c.calibration.version})` : ''}
            </option>
          ))}
        </select>
      </label>
      <div className="kanohi-row">
        <button type="button" data-testid="use-current-frame" onClick={() => void useCurrentFrame()} disabled={cameraId === undefined}>
          Use the camera's current frame
        </button>
        <input data-testid="snapshot-url" placeholder="or a frame image URL" value={snapshotUrl} onChange={(e) => setSnapshotUrl(e.target.value)} />
        <button type="button" onClick={() => setImageSrc(snapshotUrl)} disabled={!snapshotUrl}>
          Load
        </button>
        <label className="kanohi-file">
          or upload a still <input data-testid="snapshot-file" type="file" accept="image/png,image/jpeg,image/webp" onChange={(e) => void upload(e.target.files?.[0])} />
        </label>
      </div>
      <p className="muted">Click a point in the frame, then the same spot on the map; at least 4 pairs, spread out, no 3 in a line.</p>
      {imageSrc && (
        <div className="kanohi-snapshot">
          <img ref={image} data-testid="snapshot-image" src={imageSrc} alt="camera frame" onClick={clickImage} onLoad={(e) => setFrameWh([e.currentTarget.naturalWidth, e.currentTarget.naturalHeight])} />
          {frameWh &&
            pairs.map((p, i) =>
              p.imageXy ? (
                <span key={i} className="kanohi-snapshot-point" style={{ left: `${(p.imageXy[0] / frameWh[0]) * 100}%`, top: `${(p.imageXy[1] / frameWh[1]) * 100}%` }}>
                  {i + 1}
                </span>
              ) : null,
            )}
        </div>
      )}
      <table className="kanohi-table" data-testid="calibration-pairs">
        <thead>
          <tr>
            <th>#</th>
            <th>frame px</th>
            <th>floor m</th>
            <th>error m</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {pairs.map((p, i) => {
            const k = complete.indexOf(p as Required<PointPairDraft>);
            const error = solution && k >= 0 ? solution.errorsM[k] : undefined;
            return (
              <tr key={i}>
                <td>{i + 1}</td>
                <td>{p.imageXy ? p.imageXy.map((v) => v.toFixed(0)).join(', ') : '—'}</td>
                <td>{p.floorXy ? p.floorXy.map((v) => v.toFixed(2)).join(', ') : '—'}</td>
                <td data-testid="pair-error">{error === undefined ? '' : error.toFixed(3)}</td>
                <td>
                  <button type="button" onClick={() => setPairs(pairs.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {solution && (
        <p data-testid="calibration-status">
          RMS error {solution.rmsErrorM.toFixed(3)} m, worst {solution.maxErrorM.toFixed(3)} m
        </p>
      )}
      {solution?.warnings.map((w) => (
        <p key={w} className="kanohi-warning" data-testid="calibration-warning">
          ⚠ {w}
        </p>
      ))}
      {message && <p data-testid="calibration-message">{message}</p>}
      {backfill && (
        <p data-testid="backfill-progress" data-status={backfill.status} data-done={backfill.done} data-total={backfill.total}>
          Earlier observations: {backfill.done} of {backfill.total} projected ({backfill.status}
          {backfill.error ? `: ${backfill.error}` : ''})
        </p>
      )}
      <button type="button" data-testid="save-calibration" disabled={!solution} onClick={() => void save()}>
        Save calibration
      </button>
    </div>
  );
}
