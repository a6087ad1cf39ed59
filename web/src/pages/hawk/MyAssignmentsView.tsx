import type { HawkMyAssignment } from '@sightline/contracts';
import { useEffect, useState } from 'react';
import { navigate } from '../../lib/router.ts';
import { api } from './api.ts';

/** The caller's jobs: each opens the editor on its own replica at the first frame of its range. */
export function MyAssignmentsView() {
  const [jobs, setJobs] = useState<HawkMyAssignment[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => void api<HawkMyAssignment[]>('GET', '/me/assignments').then(setJobs, (e: Error) => setError(e.message)), []);
  if (error) return <p className="hawk-error">{error}</p>;
  if (!jobs) return <p>Loading…</p>;
  return (
    <div>
      <h2>My assignments</h2>
      <ul className="hawk-list" data-testid="hawk-my-assignments">
        {jobs.map((j) => (
          <li key={j.setId} data-testid={`hawk-job-${j.assignmentId}`} data-set-id={j.setId}>
            <a href={`/hawk/sets/${j.setId}`} onClick={(e) => (e.preventDefault(), navigate(`/hawk/sets/${j.setId}`))} data-testid={`hawk-open-job-${j.assignmentId}`}>
              {j.projectName} · {j.videoName} · frames {j.frameFrom + 1}–{j.frameTo + 1}
            </a>{' '}
            <span className="muted">
              v{j.version}
              {j.merged ? ' · merged' : ''}
            </span>
          </li>
        ))}
        {jobs.length === 0 && <li className="muted">No assignments yet.</li>}
      </ul>
    </div>
  );
}
