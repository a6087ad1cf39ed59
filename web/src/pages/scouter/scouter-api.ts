import type { Camera, CameraList, CreateCameraBody } from '@sightline/contracts';
import { authHeaders, sessionEnded } from '../../lib/session.ts';

/** Scouter's HTTP API: throws the server's own message on 4xx/5xx. */
async function call<T>(base: string, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { ...authHeaders(), ...(init?.body ? { 'content-type': 'application/json' } : {}) } });
  sessionEnded(res.status);
  if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? `${res.status} ${res.statusText}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const listCameras = (base: string) => call<CameraList>(base, '/cameras').then((r) => r.cameras);
export const addCamera = (base: string, body: CreateCameraBody) => call<Camera>(base, '/cameras', { method: 'POST', body: JSON.stringify(body) });
export const removeCamera = (base: string, id: number) => call<void>(base, `/cameras/${id}`, { method: 'DELETE' });
