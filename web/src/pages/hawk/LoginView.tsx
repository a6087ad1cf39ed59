import type { HawkLoginResponse } from '@sightline/contracts';
import { useState } from 'react';
import { api, type Session } from './api.ts';

/** Login form; on a fresh installation it can also create the first admin (POST /auth/setup). */
export function LoginView({ onLogin }: { onLogin: (s: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (path: '/auth/login' | '/auth/setup') => {
    try {
      const res = await api<HawkLoginResponse>('POST', path, { username, password });
      onLogin({ token: res.token, user: res.user });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section className="hawk-login">
      <h1>Hawk — log in</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit('/auth/login');
        }}
      >
        <label>
          User <input data-testid="hawk-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />
        </label>
        <label>
          Password <input data-testid="hawk-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </label>
        <button type="submit" data-testid="hawk-login">Log in</button>
        <button type="button" onClick={() => void submit('/auth/setup')} className="link">
          First run: create this admin
        </button>
      </form>
      {error && <p className="hawk-error" data-testid="hawk-login-error">{error}</p>}
    </section>
  );
}
