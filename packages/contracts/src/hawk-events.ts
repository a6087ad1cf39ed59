import type { HawkPrelabelJob } from './hawk-annotations.ts';

/**
 * socket.io `hawk:prelabel`: a pre-labeling job moved on. `progress` while queued, running or being
 * written (`job.framesDone` of `job.frameTo - job.frameFrom + 1`), `done` once its boxes are in the
 * set (`job.appliedVersion`), `failed` with `job.error`.
 */
export interface HawkPrelabelEvent {
  readonly phase: 'progress' | 'done' | 'failed';
  readonly job: HawkPrelabelJob;
}

// Hawk's event map lives in events.ts; this adds the pre-labeling event to it where it is declared.
declare module './events.ts' {
  interface HawkServerEvents {
    /** A pre-labeling job's progress, then its result or error (sent when its NOTIFY arrives). */
    'hawk:prelabel': (event: HawkPrelabelEvent) => void;
  }
}
