import { ROLES, type HawkRole, type HawkUserAccount } from '@sightline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from './api.ts';

// Accounts are shared by Hawk, Scouter and Kanohi (GET /users lists operators and viewers too), so
// every role is offered: a select limited to Hawk's roles would show an operator as "annotator".
/** Admins: people and their roles; create (with a first password to hand over), reset a password, disable. */
export function PeopleView() {
  const [users, setUsers] = useState<HawkUserAccount[]>([]);
  const [form, setForm] = useState({ username: '', password: '', role: 'annotator' as HawkRole });
  const [resetFor, setResetFor] = useState<{ id: number; password: string } | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const refresh = useCallback(() => api<HawkUserAccount[]>('GET', '/users').then(setUsers, (e: Error) => setError(e.message)), []);
  useEffect(() => void refresh(), [refresh]);

  const run = async (work: () => Promise<string>) => {
    setError('');
    setNote('');
    try {
      setNote(await work());
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const create = () =>
    run(async () => {
      await api('POST', '/users', form);
      setForm({ username: '', password: '', role: form.role });
      return `Created ${form.username} (${form.role}); hand them the password to log in.`;
    });
  const update = (u: HawkUserAccount, change: { role?: HawkRole; disabled?: boolean; password?: string }, what: string) =>
    run(async () => {
      await api('PATCH', `/users/${u.id}`, change);
      return `${u.username}: ${what}.`;
    });

  return (
    <div>
      <h1>People</h1>
      <table className="hawk-table" data-testid="hawk-people">
        <thead>
          <tr><th>User</th><th>Role</th><th>Status</th><th /></tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid={`hawk-person-${u.username}`} data-role={u.role} data-disabled={u.disabled}>
              <td>{u.username}</td>
              <td>
                <select value={u.role} onChange={(e) => void update(u, { role: e.target.value as HawkRole }, `role is now ${e.target.value}`)} data-testid={`hawk-role-${u.username}`}>
                  {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                </select>
              </td>
              <td>{u.disabled ? 'disabled' : 'active'}</td>
              <td>
                <button onClick={() => void update(u, { disabled: !u.disabled }, u.disabled ? 'enabled' : 'disabled; their sessions ended')} data-testid={`hawk-disable-${u.username}`}>
                  {u.disabled ? 'Enable' : 'Disable'}
                </button>{' '}
                {resetFor?.id === u.id ? (
                  <form style={{ display: 'inline' }} onSubmit={(e) => (e.preventDefault(), void update(u, { password: resetFor.password }, 'password reset; their sessions ended').then(() => setResetFor(null)))}>
                    <input type="password" placeholder="new password (8+)" value={resetFor.password} onChange={(e) => setResetFor({ id: u.id, password: e.target.value })} data-testid={`hawk-new-password-${u.username}`} />
                    <button type="submit" data-testid={`hawk-set-password-${u.username}`}>Set</button>
                  </form>
                ) : (
                  <button onClick={() => setResetFor({ id: u.id, password: '' })} data-testid={`hawk-reset-${u.username}`}>Reset password</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="hawk-form" onSubmit={(e) => (e.preventDefault(), void create())}>
        <h3>Add a person</h3>
        <input placeholder="username" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} data-testid="hawk-new-username" />
        <input type="password" placeholder="first password (8+ characters)" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} data-testid="hawk-new-password" />
        <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as HawkRole })} data-testid="hawk-new-role">
          {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
        <button type="submit" data-testid="hawk-create-user">Create</button>
      </form>
      <p className="muted small">Annotators see only the projects they are members of (add them on a project's page); reviewers and admins see every project.</p>
      {note && <p data-testid="hawk-people-note">{note}</p>}
      {error && <p className="hawk-error" data-testid="hawk-people-error">{error}</p>}
    </div>
  );
}
