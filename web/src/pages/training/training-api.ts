import type { AttributeHeadVersion, TrainJob } from '@sightline/contracts';
import { authHeaders, sessionEnded } from '../../lib/session.ts';

/** Scouter's training API: throws the server's message (and the config problems, one per line) on 4xx/5xx. */
async function call<T>(base: string, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { ...authHeaders(), ...(init?.body ? { 'content-type': 'application/json' } : {}) } });
  sessionEnded(res.status);
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string; problems?: string[] };
    throw new Error(body.problems?.join('\n') ?? body.message ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

export const listJobs = (base: string) => call<{ jobs: TrainJob[] }>(base, '/training/jobs').then((r) => r.jobs);
export const queueJobs = (base: string, config: unknown) => call<{ jobs: TrainJob[] }>(base, '/training/jobs', { method: 'POST', body: JSON.stringify(config) }).then((r) => r.jobs);
export const cancelJob = (base: string, id: number) => call<TrainJob>(base, `/training/jobs/${id}/cancel`, { method: 'POST', body: '{}' });
export const listHeads = (base: string) => call<{ heads: AttributeHeadVersion[] }>(base, '/heads').then((r) => r.heads);
export const deployHead = (base: string, name: string, version: number) => call<unknown>(base, `/heads/${name}/deploy`, { method: 'POST', body: JSON.stringify({ version }) });
export const rollbackHead = (base: string, name: string) => call<unknown>(base, `/heads/${name}/rollback`, { method: 'POST', body: '{}' });
