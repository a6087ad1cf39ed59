import type {
  Camera,
  CameraList,
  CreateCameraBody,
  EventList,
  EventQuery,
  Flow,
  FlowCheckResult,
  FlowList,
  InferenceStatus,
  ScouterSettings,
  UpdateCameraBody,
  Webhook,
  WebhookBody,
  WebhookList,
  WebhookTestResult,
} from '@sightline/contracts';
import { authHeaders, sessionEnded } from '../../lib/session.ts';

/** Scouter's HTTP API: throws the server's own message on 4xx/5xx. */
async function call<T>(base: string, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { ...authHeaders(), ...(init?.body ? { 'content-type': 'application/json' } : {}) } });
  sessionEnded(res.status);
  if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? `${res.status} ${res.statusText}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const send = (method: string, body?: unknown): RequestInit => ({ method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

export const listCameras = (base: string) => call<CameraList>(base, '/cameras').then((r) => r.cameras);
export const addCamera = (base: string, body: CreateCameraBody) => call<Camera>(base, '/cameras', send('POST', body));
export const updateCamera = (base: string, id: number, body: UpdateCameraBody) => call<Camera>(base, `/cameras/${id}`, send('PATCH', body));
export const removeCamera = (base: string, id: number) => call<void>(base, `/cameras/${id}`, { method: 'DELETE' });
export const getSettings = (base: string) => call<ScouterSettings>(base, '/settings');
export const getInference = (base: string) => call<InferenceStatus>(base, '/inference');

export function listEvents(base: string, query: EventQuery): Promise<EventList['events']> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  return call<EventList>(base, `/events?${params}`).then((r) => r.events);
}
export const snapshotUrl = (base: string, eventId: number) => `${base}/events/${eventId}/snapshot.jpg`;

export const listWebhooks = (base: string) => call<WebhookList>(base, '/webhooks').then((r) => r.webhooks);
export const addWebhook = (base: string, body: WebhookBody) => call<Webhook>(base, '/webhooks', send('POST', body));
export const removeWebhook = (base: string, id: number) => call<void>(base, `/webhooks/${id}`, { method: 'DELETE' });
export const testWebhook = (base: string, id: number) => call<WebhookTestResult>(base, `/webhooks/${id}/test`, { method: 'POST' });

export const listFlows = (base: string) => call<FlowList>(base, '/flows').then((r) => r.flows);
export const checkFlow = (base: string, source: string, signal?: AbortSignal) => call<FlowCheckResult>(base, '/flows/check', { ...send('POST', { source }), ...(signal ? { signal } : {}) });
export const saveFlow = (base: string, name: string, source: string) => call<Flow>(base, `/flows/${encodeURIComponent(name)}`, send('PUT', { source }));
export const startFlow = (base: string, name: string) => call<Flow>(base, `/flows/${encodeURIComponent(name)}/start`, { method: 'POST' });
export const stopFlow = (base: string, name: string) => call<Flow>(base, `/flows/${encodeURIComponent(name)}/stop`, { method: 'POST' });
