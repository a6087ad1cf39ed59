import type {
  Camera,
  CameraList,
  CreateCameraBody,
  DetectorList,
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
import { apiCall } from '../../lib/api-client.ts';
import { listHeads } from '../training/training-api.ts';

export const listCameras = (base: string) => apiCall<CameraList>(base, 'GET', '/cameras').then((r) => r.cameras);
export const addCamera = (base: string, body: CreateCameraBody) => apiCall<Camera>(base, 'POST', '/cameras', { body });
export const updateCamera = (base: string, id: number, body: UpdateCameraBody) => apiCall<Camera>(base, 'PATCH', `/cameras/${id}`, { body });
export const removeCamera = (base: string, id: number) => apiCall<void>(base, 'DELETE', `/cameras/${id}`);
export const getSettings = (base: string) => apiCall<ScouterSettings>(base, 'GET', '/settings');
/** Names of the trained attribute heads deployed now (GET /heads lists every version). */
export const listDeployedHeads = (base: string) => listHeads(base).then((heads) => [...new Set(heads.filter((h) => h.deployed).map((h) => h.name))]);
/** The detectors a camera may run, the default first, each with why it cannot run here (or null). */
export const listDetectors = (base: string) => apiCall<DetectorList>(base, 'GET', '/detectors').then((r) => r.detectors);
export const getInference = (base: string) => apiCall<InferenceStatus>(base, 'GET', '/inference');

export function listEvents(base: string, query: EventQuery): Promise<EventList['events']> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  return apiCall<EventList>(base, 'GET', `/events?${params}`).then((r) => r.events);
}
export const snapshotUrl = (base: string, eventId: number) => `${base}/events/${eventId}/snapshot.jpg`;

export const listWebhooks = (base: string) => apiCall<WebhookList>(base, 'GET', '/webhooks').then((r) => r.webhooks);
export const addWebhook = (base: string, body: WebhookBody) => apiCall<Webhook>(base, 'POST', '/webhooks', { body });
export const removeWebhook = (base: string, id: number) => apiCall<void>(base, 'DELETE', `/webhooks/${id}`);
export const testWebhook = (base: string, id: number) => apiCall<WebhookTestResult>(base, 'POST', `/webhooks/${id}/test`);

export const listFlows = (base: string) => apiCall<FlowList>(base, 'GET', '/flows').then((r) => r.flows);
export const checkFlow = (base: string, source: string, signal?: AbortSignal) => apiCall<FlowCheckResult>(base, 'POST', '/flows/check', { body: { source }, ...(signal ? { signal } : {}) });
export const saveFlow = (base: string, name: string, source: string) => apiCall<Flow>(base, 'PUT', `/flows/${encodeURIComponent(name)}`, { body: { source } });
export const startFlow = (base: string, name: string) => apiCall<Flow>(base, 'POST', `/flows/${encodeURIComponent(name)}/start`);
export const stopFlow = (base: string, name: string) => apiCall<Flow>(base, 'POST', `/flows/${encodeURIComponent(name)}/stop`);
