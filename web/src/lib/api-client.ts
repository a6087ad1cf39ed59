// The web app's one client for the services' HTTP APIs (Hawk, Scouter, Kanohi): the session's
// bearer token on every call, JSON in and out, and every answer other than 2xx thrown as one
// `ApiError` with the server's own message. The pages' api modules (pages/*/api.ts,
// scouter-api.ts, training-api.ts) only name the calls, typed with packages/contracts' schemas
// (Static<> types); test/web-api-routes.test.ts checks that each call's method and path is a route
// of its service.
import type { WebConfig } from '@sightline/contracts';
import { loadWebConfig } from './config.ts';
import { authHeaders, sessionEnded } from './session.ts';

export type ServiceName = keyof WebConfig['services'];
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A service's answer other than 2xx: its status, its message, and the problems it listed (config checks). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface ApiOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (file uploads), with its content type in `headers`. */
  raw?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Base URL of a service, as the web server's /config.json gives it. */
export async function serviceUrl(service: ServiceName): Promise<string> {
  return (await loadWebConfig()).services[service];
}

/**
 * The 2xx response of `method path` on the service at `base`, or an {@link ApiError}.
 * @example const res = await apiResponse(base, 'GET', `/cameras/${id}/frame`);
 */
export async function apiResponse(base: string, method: HttpMethod, path: string, options: ApiOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...authHeaders(), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers };
  const body = options.body !== undefined ? JSON.stringify(options.body) : options.raw;
  const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }), ...(options.signal ? { signal: options.signal } : {}) });
  sessionEnded(res.status);
  if (!res.ok) {
    const answer = (await res.json().catch(() => ({}))) as { message?: string; problems?: string[] };
    throw new ApiError(res.status, answer.problems?.join('\n') ?? answer.message ?? `${res.status} ${res.statusText}`, answer.problems ?? []);
  }
  return res;
}

/**
 * `method path` on the service at `base`, its JSON answer typed `T` (undefined for 204).
 * @example const cameras = await apiCall<CameraList>(base, 'GET', '/cameras');
 */
export async function apiCall<T>(base: string, method: HttpMethod, path: string, options: ApiOptions = {}): Promise<T> {
  const res = await apiResponse(base, method, path, options);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/**
 * `method path` on a service named by its name, its JSON answer typed `T`.
 * @example const floors = await request<Floor[]>('kanohi', 'GET', '/floors');
 */
export async function request<T>(service: ServiceName, method: HttpMethod, path: string, options: ApiOptions = {}): Promise<T> {
  return apiCall<T>(await serviceUrl(service), method, path, options);
}
