import type { FirstRunStatus, LoginResponse } from '@sightline/contracts';
import { useEffect, useState } from 'react';
import { storeSession } from '../lib/session.ts';

/**
 * The one login of the web app, shown by every area until someone logs in. It talks to `serviceUrl`
 * (the area's own service; any of the three accepts the login). On a fresh installation it creates
 * the first admin with the one-time setup token `npm start` printed (also read from `?setup=`).
 */
export function LoginView({ serviceUrl }: { serviceUrl: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Setup mode comes with the link `npm start` prints (…/?setup=<token>).
  const [setupToken] = useState(() => new URLSearchParams(location.search).get('setup') ?? '');
  const [setupNeeded, setSetupNeeded] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    void fetch(`${serviceUrl}/auth/first-run`)
      .then(async (res) => (res.ok ? ((await res.json()) as FirstRunStatus) : { setupNeeded: false }))
      .then((s) => setSetupNeeded(s.setupNeeded), () => undefined);
  }, [serviceUrl]);
  const setup = setupToken !== '';
  const submit = async () => {
    setError('');
    const path = setup ? '/auth/setup' : '/auth/login';
    const body = setup ? { username, password, setupToken } : { username, password };
    // credentials: the service's HttpOnly session cookie is kept for images loaded by URL.
    const res = await fetch(`${serviceUrl}${path}`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(
      (err: Error) => err,
    );
    if (res instanceof Error) return setError(`The service is unreachable: ${res.message}`);
    const json = (await res.json().catch(() => ({}))) as Partial<LoginResponse> & { message?: string };
    if (!res.ok || !json.token || !json.user) return setError(json.message ?? res.statusText);
    if (setup) history.replaceState(null, '', location.pathname);
    storeSession({ token: json.token, user: json.user });
  };
  return (
    <section className="login">
      <h1>{setup ? 'Sightline — create the first admin' : 'Sightline — log in'}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          User <input data-testid="login-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />
        </label>
        <label>
          Password <input data-testid="login-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete={setup ? 'new-password' : 'current-password'} />
        </label>
        <button type="submit" data-testid="login-submit">
          {setup ? 'Create admin' : 'Log in'}
        </button>
      </form>
      {setup && <p className="muted">This link works once: choose the first admin&apos;s name and a password of at least 8 characters.</p>}
      {!setup && setupNeeded && (
        <p className="muted" data-testid="setup-hint">
          No admin exists yet: open the setup link `npm start` printed (or set SIGHTLINE_ADMIN_PASSWORD).
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
    </section>
  );
}
