import type { HawkUser, HawkUserAccount } from '@sightline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from './api.ts';

/** Admins: who may see a project. Only annotators need it; reviewers and admins see every project. */
export function MembersPanel({ projectId }: { projectId: number }) {
  const [users, setUsers] = useState<HawkUserAccount[]>([]);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const refresh = useCallback(async () => {
    setUsers((await api<HawkUserAccount[]>('GET', '/users')).filter((u) => !u.disabled));
    setChosen(new Set((await api<HawkUser[]>('GET', `/projects/${projectId}/members`)).map((u) => u.id)));
  }, [projectId]);
  useEffect(() => void refresh().catch((e: Error) => setError(e.message)), [refresh]);
  const save = async () => {
    setError('');
    try {
      const members = await api<HawkUser[]>('PUT', `/projects/${projectId}/members`, { userIds: [...chosen] });
      setNote(`Members: ${members.map((m) => m.username).join(', ') || 'none'}.`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="hawk-form" data-testid="hawk-members">
      <h3>Members</h3>
      {users.map((u) => (
        <label key={u.id}>
          <input
            type="checkbox"
            data-testid={`hawk-member-${u.username}`}
            checked={chosen.has(u.id)}
            onChange={(e) => setChosen((c) => (e.target.checked ? new Set([...c, u.id]) : new Set([...c].filter((x) => x !== u.id))))}
          />
          {u.username} <span className="muted small">({u.role})</span>
        </label>
      ))}
      <button onClick={() => void save()} data-testid="hawk-save-members">Save members</button>
      {note && <span data-testid="hawk-members-note"> {note}</span>}
      {error && <p className="hawk-error">{error}</p>}
    </div>
  );
}
