import type { HawkReview } from '@sightline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from './api.ts';

/**
 * Review inside the editor: the decisions on this set (annotators see what to fix), and for
 * reviewers approve/reject of a frame range (1-based, default the set's range) with a comment.
 */
export function ReviewPanel({ setId, videoId, lo, hi, frame, canReview }: { setId: number; videoId: number; lo: number; hi: number; frame: number; canReview: boolean }) {
  const [reviews, setReviews] = useState<HawkReview[]>([]);
  const [form, setForm] = useState({ from: lo + 1, to: hi + 1, comment: '' });
  const [error, setError] = useState('');
  const refresh = useCallback(() => api<HawkReview[]>('GET', `/videos/${videoId}/reviews`).then((all) => setReviews(all.filter((r) => r.setId === setId))), [setId, videoId]);
  useEffect(() => void refresh().catch((e: Error) => setError(e.message)), [refresh]);
  const decide = async (decision: 'approved' | 'rejected') => {
    setError('');
    try {
      await api('POST', `/sets/${setId}/reviews`, { frameFrom: form.from - 1, frameTo: form.to - 1, decision, comment: form.comment });
      setForm({ ...form, comment: '' });
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const here = reviews.filter((r) => r.frameFrom <= frame && frame <= r.frameTo).at(-1);
  return (
    <div className="hawk-review" data-testid="hawk-editor-review">
      <h4>Review</h4>
      {here && (
        <p className={here.decision === 'rejected' ? 'hawk-warning' : 'muted'} data-testid="hawk-review-here" data-decision={here.decision}>
          This frame: {here.decision} by {here.reviewer}
          {here.comment ? ` — ${here.comment}` : ''}
        </p>
      )}
      <ul className="hawk-list small" data-testid="hawk-editor-reviews">
        {reviews.map((r) => (
          <li key={r.id}>
            frames {r.frameFrom + 1}–{r.frameTo + 1}: <strong>{r.decision}</strong> by {r.reviewer}
            {r.comment ? ` — ${r.comment}` : ''}
          </li>
        ))}
      </ul>
      {canReview && (
        <div className="hawk-form">
          <label>frames <input type="number" min={1} value={form.from} onChange={(e) => setForm({ ...form, from: Number(e.target.value) })} style={{ width: '4.5em' }} data-testid="hawk-editor-review-from" /></label>
          <label>to <input type="number" min={1} value={form.to} onChange={(e) => setForm({ ...form, to: Number(e.target.value) })} style={{ width: '4.5em' }} data-testid="hawk-editor-review-to" /></label>
          <input placeholder="comment (needed to reject)" value={form.comment} onChange={(e) => setForm({ ...form, comment: e.target.value })} data-testid="hawk-editor-review-comment" />
          <button onClick={() => void decide('approved')} data-testid="hawk-editor-approve">Approve</button>
          <button onClick={() => void decide('rejected')} data-testid="hawk-editor-reject">Reject</button>
        </div>
      )}
      {error && <p className="hawk-error" data-testid="hawk-editor-review-error">{error}</p>}
    </div>
  );
}
