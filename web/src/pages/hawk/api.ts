import { loadWebConfig } from '../../lib/config.ts';
import { loadSession, sessionEnded } from '../../lib/session.ts';

/** A Hawk answer other than 2xx, carrying the server's explanation. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export { loadSession, storeSession, type Session } from '../../lib/session.ts';

export async function hawkUrl(): Promise<string> {
  return (await loadWebConfig()).services.hawk;
}

/** Calls Hawk with the session's bearer token; JSON in and out unless `raw` is given. */
export async function api<T>(method: string, path: string, body?: unknown, options: { raw?: BodyInit; headers?: Record<string, string>; text?: boolean } = {}): Promise<T> {
  const session = loadSession();
  const headers: Record<string, string> = { ...(session ? { authorization: `Bearer ${session.token}` } : {}), ...options.headers };
  let payload: BodyInit | undefined = options.raw;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${await hawkUrl()}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
  if (!res.ok) {
    const message = await res.json().then((j: { message?: string }) => j.message ?? res.statusText, () => res.statusText);
    sessionEnded(res.status);
    throw new ApiError(res.status, message);
  }
  if (options.text) return (await res.text()) as T;
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Sends a file in chunks; after a failed chunk asks Hawk how much arrived and resumes from there. */
export async function uploadVideo(projectId: number, file: File, frameStep: number, onProgress: (share: number) => void): Promise<number> {
  const video = await api<{ id: number }>('POST', `/projects/${projectId}/videos`, { fileName: file.name, sizeBytes: file.size, frameStep });
  const chunk = 8 * 1024 * 1024;
  let offset = 0;
  let failures = 0;
  while (offset < file.size) {
    try {
      const res = await api<{ receivedBytes: number }>('PATCH', `/videos/${video.id}/content`, undefined, {
        raw: file.slice(offset, offset + chunk),
        headers: { 'content-type': 'application/octet-stream', 'upload-offset': String(offset) },
      });
      offset = res.receivedBytes;
      onProgress(offset / file.size);
    } catch (err) {
      if (err instanceof ApiError && err.status !== 409 && err.status < 500) throw err;
      if (++failures > 5) throw err;
      offset = (await api<{ receivedBytes: number }>('GET', `/videos/${video.id}`)).receivedBytes;
    }
  }
  return video.id;
}

/** Downloads an export through the session and hands it to the browser as a file. */
export async function download(path: string, fileName: string): Promise<void> {
  const session = loadSession();
  const res = await fetch(`${await hawkUrl()}${path}`, { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, ((await res.json().catch(() => ({}))) as { message?: string }).message ?? res.statusText);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
