import { ApiError, apiResponse, request, serviceUrl, type HttpMethod } from '../../lib/api-client.ts';

export { ApiError } from '../../lib/api-client.ts';
export { loadSession, storeSession, type Session } from '../../lib/session.ts';

export function hawkUrl(): Promise<string> {
  return serviceUrl('hawk');
}

/** Calls Hawk through the web app's one API client; JSON in and out unless `raw` is given. */
export function api<T>(method: HttpMethod, path: string, body?: unknown, options: { raw?: BodyInit; headers?: Record<string, string> } = {}): Promise<T> {
  return request<T>('hawk', method, path, { ...options, ...(body !== undefined ? { body } : {}) });
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
  const res = await apiResponse(await hawkUrl(), 'GET', path);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
