import type { HawkAnnotationSetInfo, HawkAssignment, HawkImportResult, HawkMergeResult, HawkReview, HawkUser, HawkVideo } from '@sightline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { navigate } from '../../lib/router.ts';
import { api, download } from './api.ts';
import { MergeReport } from './MergeReport.tsx';

const canReview = (u: HawkUser) => u.role !== 'annotator';

/**
 * One video: its annotation sets, assignments with consensus merge, review, export and import.
 * Frame numbers on the page count from 1 (as the editor and MOT files); the API takes 0-based indices.
 */
export function VideoView({ videoId, user }: { videoId: number; user: HawkUser }) {
  const [video, setVideo] = useState<HawkVideo | null>(null);
  const [sets, setSets] = useState<HawkAnnotationSetInfo[]>([]);
  const [assignments, setAssignments] = useState<HawkAssignment[]>([]);
  const [reviews, setReviews] = useState<HawkReview[]>([]);
  const [users, setUsers] = useState<HawkUser[]>([]);
  const [merges, setMerges] = useState<Record<number, HawkMergeResult>>({});
  const [form, setForm] = useState({ from: 0, to: 0, annotators: [] as number[], minIou: 0.5, quorum: 0.5 });
  const [review, setReview] = useState({ setId: 0, from: 0, to: 0, comment: '' });
  const [importTarget, setImportTarget] = useState({ format: 'coco' as 'coco' | 'mot', setId: 0 });
  const [note, setNote] = useState('');
  const [error, setError] = useState('');

  const refresh = useCallback(async () => {
    const v = await api<HawkVideo>('GET', `/videos/${videoId}`);
    setVideo(v);
    setSets(await api<HawkAnnotationSetInfo[]>('GET', `/videos/${videoId}/sets`));
    setAssignments(await api<HawkAssignment[]>('GET', `/videos/${videoId}/assignments`));
    setReviews(await api<HawkReview[]>('GET', `/videos/${videoId}/reviews`));
    if (canReview(user)) setUsers(await api<HawkUser[]>('GET', `/projects/${v.projectId}/members`));
    setForm((f) => (f.to === 0 ? { ...f, from: 1, to: v.frameCount } : f));
    setReview((r) => (r.to === 0 ? { ...r, from: 1, to: v.frameCount } : r));
  }, [videoId, user]);
  useEffect(() => void refresh().catch((e: Error) => setError(e.message)), [refresh]);

  const run = async (work: () => Promise<unknown>) => {
    setError('');
    try {
      await work();
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (!video) return <p>{error || 'Loading…'}</p>;

  const assign = () => run(() => api('POST', `/videos/${videoId}/assignments`, { frameFrom: form.from - 1, frameTo: form.to - 1, annotatorIds: form.annotators }));
  const merge = (id: number) =>
    run(async () => {
      const result = await api<HawkMergeResult>('POST', `/assignments/${id}/merge`, { minIou: form.minIou, quorum: form.quorum });
      setMerges((m) => ({ ...m, [id]: result }));
      setReview((r) => ({ ...r, setId: result.resultSetId }));
    });
  const decide = (decision: 'approved' | 'rejected') => run(() => api('POST', `/sets/${review.setId}/reviews`, { frameFrom: review.from - 1, frameTo: review.to - 1, decision, comment: review.comment }));
  const importFile = (file: File) =>
    run(async () => {
      const text = await file.text();
      const q = `format=${importTarget.format}${importTarget.setId ? `&setId=${importTarget.setId}` : ''}`;
      const res = await api<HawkImportResult>('POST', `/videos/${videoId}/import?${q}`, undefined, { raw: text, headers: { 'content-type': importTarget.format === 'coco' ? 'application/json' : 'text/plain' } });
      setNote(`Imported ${res.boxes} boxes on ${res.frames} frames into set ${res.setId} (version ${res.version}).`);
    });
  const setName = (s: HawkAnnotationSetInfo) => `${s.kind}${s.annotator ? ` · ${s.annotator}` : ''}${s.assignmentId ? ` · assignment ${s.assignmentId}` : ''}${s.frameFrom !== null ? ` · frames ${s.frameFrom + 1}–${(s.frameTo ?? 0) + 1}` : ''} · #${s.id}`;

  return (
    <div className="hawk-video">
      <h1>{video.fileName}</h1>
      <p className="muted">
        {video.frameCount} frames · {video.width}×{video.height} · {Math.round(video.approvedShare * 100)}% approved
      </p>

      <h2>Annotation sets</h2>
      <ul className="hawk-list" data-testid="hawk-sets">
        {sets.map((s) => (
          <li key={s.id} data-testid={`hawk-set-${s.kind}${s.annotator ? `-${s.annotator}` : ''}`} data-set-id={s.id} className={s.annotatorId === user.id ? 'mine' : ''}>
            <a href={`/hawk/sets/${s.id}`} onClick={(e) => (e.preventDefault(), navigate(`/hawk/sets/${s.id}`))}>
              {setName(s)}
            </a>{' '}
            <span className="muted">v{s.version}</span>
          </li>
        ))}
      </ul>

      <h2>Assignments and consensus</h2>
      {assignments.map((a) => (
        <div key={a.id} className="hawk-card" data-testid={`hawk-assignment-${a.id}`}>
          frames {a.frameFrom + 1}–{a.frameTo + 1} · replicas: {a.replicas.map((r) => `${r.annotator} (v${r.version})`).join(', ')}{' '}
          {canReview(user) && (
            <button onClick={() => void merge(a.id)} data-testid={`hawk-merge-${a.id}`}>
              Merge
            </button>
          )}
          {merges[a.id] && <MergeReport result={merges[a.id]!} />}
        </div>
      ))}
      {canReview(user) && (
        <div className="hawk-form">
          <label>frames <input type="number" value={form.from} min={1} max={video.frameCount} data-testid="hawk-assign-from" onChange={(e) => setForm({ ...form, from: Number(e.target.value) })} style={{ width: '5em' }} /></label>
          <label>to <input type="number" value={form.to} min={1} max={video.frameCount} data-testid="hawk-assign-to" onChange={(e) => setForm({ ...form, to: Number(e.target.value) })} style={{ width: '5em' }} /></label>
          {users.map((u) => (
            <label key={u.id}>
              <input type="checkbox" data-testid={`hawk-assign-${u.username}`} checked={form.annotators.includes(u.id)} onChange={(e) => setForm({ ...form, annotators: e.target.checked ? [...form.annotators, u.id] : form.annotators.filter((x) => x !== u.id) })} />
              {u.username}
            </label>
          ))}
          <button onClick={() => void assign()} data-testid="hawk-assign">Assign replicas</button>
          <label>min IoU <input type="number" step={0.05} min={0.05} max={1} value={form.minIou} onChange={(e) => setForm({ ...form, minIou: Number(e.target.value) })} style={{ width: '4em' }} /></label>
          <label>quorum <input type="number" step={0.05} min={0} max={1} value={form.quorum} onChange={(e) => setForm({ ...form, quorum: Number(e.target.value) })} style={{ width: '4em' }} /></label>
        </div>
      )}

      <h2>Review</h2>
      <ul className="hawk-list" data-testid="hawk-reviews">
        {reviews.map((r) => (
          <li key={r.id}>
            set #{r.setId} frames {r.frameFrom + 1}–{r.frameTo + 1}: <strong>{r.decision}</strong> by {r.reviewer} {r.comment && `— ${r.comment}`}
          </li>
        ))}
      </ul>
      {canReview(user) && (
        <div className="hawk-form">
          <select value={review.setId} onChange={(e) => setReview({ ...review, setId: Number(e.target.value) })} data-testid="hawk-review-set">
            <option value={0}>choose a set</option>
            {sets.map((s) => <option key={s.id} value={s.id}>{setName(s)}</option>)}
          </select>
          <label>frames <input type="number" value={review.from} min={1} data-testid="hawk-review-from" onChange={(e) => setReview({ ...review, from: Number(e.target.value) })} style={{ width: '5em' }} /></label>
          <label>to <input type="number" value={review.to} min={1} data-testid="hawk-review-to" onChange={(e) => setReview({ ...review, to: Number(e.target.value) })} style={{ width: '5em' }} /></label>
          <input placeholder="comment" value={review.comment} onChange={(e) => setReview({ ...review, comment: e.target.value })} data-testid="hawk-review-comment" />
          <button onClick={() => void decide('approved')} disabled={!review.setId} data-testid="hawk-approve">Approve</button>
          <button onClick={() => void decide('rejected')} disabled={!review.setId} data-testid="hawk-reject">Reject</button>
        </div>
      )}

      <h2>Export approved labels</h2>
      <div className="hawk-form">
        {(['hawk', 'coco', 'mot', 'yolo'] as const).map((f) => (
          <button key={f} data-testid={`hawk-export-${f}`} onClick={() => void run(() => download(`/videos/${videoId}/export?format=${f}`, `video-${videoId}.${f === 'mot' ? 'gt.txt' : f === 'yolo' ? 'yolo.zip' : `${f}.json`}`))}>
            {f.toUpperCase()}
          </button>
        ))}
        {(['coco', 'yolo'] as const).map((f) => (
          <button key={`${f}-images`} data-testid={`hawk-export-${f}-images`} onClick={() => void run(() => download(`/videos/${videoId}/export?format=${f}&images=true`, `video-${videoId}.${f}.zip`))}>
            {f.toUpperCase()} + images (ZIP)
          </button>
        ))}
      </div>
      <h2>Import</h2>
      <div className="hawk-form">
        <select value={importTarget.format} onChange={(e) => setImportTarget({ ...importTarget, format: e.target.value as 'coco' | 'mot' })} data-testid="hawk-import-format">
          <option value="coco">COCO JSON</option>
          <option value="mot">MOTChallenge</option>
        </select>
        <select value={importTarget.setId} onChange={(e) => setImportTarget({ ...importTarget, setId: Number(e.target.value) })} data-testid="hawk-import-set">
          <option value={0}>main set</option>
          {sets.map((s) => <option key={s.id} value={s.id}>{setName(s)}</option>)}
        </select>
        <input type="file" data-testid="hawk-import-file" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} />
      </div>
      {note && <p data-testid="hawk-note">{note}</p>}
      {error && <p className="hawk-error" data-testid="hawk-error">{error}</p>}
    </div>
  );
}
