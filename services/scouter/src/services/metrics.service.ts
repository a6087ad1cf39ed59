import type { ModelBackend } from '@sightline/models';
import { STAGES } from '../pipeline/camera-pipeline.ts';
import type { CameraWorker } from '../worker/camera-worker.ts';

type Sample = [labels: Record<string, string | number>, value: number | null];

function escape(value: string | number): string {
  return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function family(out: string[], name: string, type: 'gauge' | 'counter' | 'summary', help: string, samples: Sample[]): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, value] of samples) {
    if (value === null || !Number.isFinite(value)) continue;
    const text = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
    out.push(`${name}${text ? `{${text}}` : ''} ${value}`);
  }
}

/** The worker's pipelines as Prometheus text: fps, latency, frames decoded/processed/dropped, per-stage ms. */
export function renderMetrics(worker: CameraWorker | undefined, models: readonly ModelBackend[] = []): string {
  const cams = worker ? [...worker.running.values()] : [];
  const out: string[] = [];
  const base = (c: (typeof cams)[number]) => ({ camera_id: c.run.id, camera: c.run.name });
  family(out, 'scouter_cameras_running', 'gauge', 'Cameras this worker runs', [[{}, cams.length]]);
  family(out, 'scouter_camera_fps', 'gauge', 'Processed frames per second over the last 5 s', cams.map((c) => [base(c), c.pipeline.stats().fps]));
  family(out, 'scouter_frames_decoded_total', 'counter', 'Frames decoded', cams.map((c) => [base(c), c.pipeline.stats().framesDecoded]));
  family(out, 'scouter_frames_processed_total', 'counter', 'Frames through detect, track and publish', cams.map((c) => [base(c), c.pipeline.stats().framesProcessed]));
  family(out, 'scouter_frames_dropped_total', 'counter', 'Frames replaced before inference took them (inference slower than the camera)', cams.map((c) => [base(c), c.pipeline.stats().framesDropped]));
  family(out, 'scouter_reconnects_total', 'counter', 'Stream reconnect attempts', cams.map((c) => [base(c), c.pipeline.stats().reconnects]));
  family(out, 'scouter_observations_written_total', 'counter', 'Observation rows committed to PostgreSQL', cams.map((c) => [base(c), c.batcher.written]));
  family(out, 'scouter_observations_pending', 'gauge', 'Observation rows waiting to be written (they pile up while PostgreSQL is unreachable)', cams.map((c) => [base(c), c.batcher.pendingRows]));
  family(out, 'scouter_observations_dropped_total', 'counter', 'Observation rows dropped because the database stayed away past the buffer (SCOUTER_BUFFER_ROWS)', cams.map((c) => [base(c), c.batcher.discarded]));
  family(
    out,
    'scouter_latency_ms',
    'summary',
    'Frame decoded to results published, ms (last 200 frames)',
    cams.flatMap((c) => [0.5, 0.95].map((q): Sample => [{ ...base(c), quantile: q }, c.pipeline.latency.quantile(q)])),
  );
  family(
    out,
    'scouter_stage_ms',
    'summary',
    'Time per pipeline stage, ms (last 200 frames)',
    cams.flatMap((c) => STAGES.flatMap((stage) => [0.5, 0.95].map((q): Sample => [{ ...base(c), stage, quantile: q }, c.pipeline.stageMs[stage].quantile(q)]))),
  );
  family(out, 'scouter_model_backend', 'gauge', 'The engine that runs each loaded network (1 per model; see SIGHTLINE_BACKEND)', models.map((m) => [{ model: m.model, backend: m.backend, choice: m.choice }, 1]));
  return `${out.join('\n')}\n`;
}
