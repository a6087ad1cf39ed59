import type { AttributeHeadVersion, TrainJob } from '@sightline/contracts';
import { apiCall } from '../../lib/api-client.ts';

// Scouter's training API; a refused config comes back as an ApiError listing its problems, one per line.
export const listJobs = (base: string) => apiCall<{ jobs: TrainJob[] }>(base, 'GET', '/training/jobs').then((r) => r.jobs);
export const queueJobs = (base: string, config: unknown) => apiCall<{ jobs: TrainJob[] }>(base, 'POST', '/training/jobs', { body: config }).then((r) => r.jobs);
export const cancelJob = (base: string, id: number) => apiCall<TrainJob>(base, 'POST', `/training/jobs/${id}/cancel`, { body: {} });
export const listHeads = (base: string) => apiCall<{ heads: AttributeHeadVersion[] }>(base, 'GET', '/heads').then((r) => r.heads);
export const deployHead = (base: string, name: string, version: number) => apiCall<unknown>(base, 'POST', `/heads/${name}/deploy`, { body: { version } });
export const rollbackHead = (base: string, name: string) => apiCall<unknown>(base, 'POST', `/heads/${name}/rollback`, { body: {} });
