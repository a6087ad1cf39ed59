import type { User } from '@sightline/contracts';
import { useEffect, useState } from 'react';

/**
 * The login of this browser, shared by every page: one session (made by POST /auth/login on any
 * service) is valid on all three services. The token goes as a bearer header on API calls and as
 * socket.io's auth; the services also set an HttpOnly cookie for images the page loads by URL.
 */
export interface Session {
  token: string;
  user: User;
}

const KEY = 'sightline.session';
const CHANGED = 'sightline-session';

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return null;
  }
}

export function storeSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  window.dispatchEvent(new Event(CHANGED));
}

/** `Authorization: Bearer <token>` of the session, or nothing. */
export function authHeaders(): Record<string, string> {
  const session = loadSession();
  return session ? { authorization: `Bearer ${session.token}` } : {};
}

/** socket.io's `auth` option for the session. */
export function socketAuth(): { token?: string } {
  const session = loadSession();
  return session ? { token: session.token } : {};
}

/** A 401 from any service means the session is over: forget it so the login form shows. */
export function sessionEnded(status: number): void {
  if (status === 401 && loadSession()) storeSession(null);
}

/** The current session, re-rendering on login and logout (in this tab). */
export function useSession(): Session | null {
  const [session, setSession] = useState(loadSession);
  useEffect(() => {
    const update = () => setSession(loadSession());
    window.addEventListener(CHANGED, update);
    
    return () => {
      window.removeEventListener(CHANGED, update);
      
    };
  }, []);
  return session;
}
