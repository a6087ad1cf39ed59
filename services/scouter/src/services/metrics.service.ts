// Scouter's Prometheus metrics on prom-client, one registry per app (tests build several apps in
// one process, and two apps must never share counters). Most families mirror counts the camera
// worker already keeps, read at scrape time by each metric's `collect`; the frame latency
// histogram is fed per processed frame; the rolling p50/p95 summaries keep their names and
// labels (dashboards and tests read them) through a small collector over the pipelines' windows.
import type { ModelBackend } from '@sightline/models';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CameraStats } from '@sightline/contracts';
import { STAGES, type StageName } from '../pipeline/camera-pipeline.ts';
import type { BatchStats } from '../pipeline/inference-protocol.ts';

/** What /metrics reads of one running camera, at scrape time. */
export interface CameraMetrics {
  readonly id: number;
  readonly name: string;
  readonly stats: CameraStats;
  /** Observation rows committed, waiting, and dropped past the buffer. */
  readonly observations: { readonly written: number; readonly pending: number; readonly dropped: number };
  /** The q-quantile of the rolling frame latency (ms), null when empty. */
  latencyMs(q: number): number | null;
  /** The q-quantile of a stage's rolling time (ms), null when empty. */
  stageMs(stage: StageName, q: number): number | null;
}

/** The cameras a worker runs now, as metrics see them (CameraWorker implements it). */
export interface CameraMetricsSource {
  cameraMetrics(): readonly CameraMetrics[];
}

type CameraLabel = 'camera_id' | 'camera';
type Labels = Record<string, string | number>;

const CAMERA_LABELS: CameraLabel[] = ['camera_id', 'camera'];
const QUANTILES = [0.5, 0.95] as const;
/** Frame latency buckets (ms): a 512x512 CenterNet pass is 30-300 ms on CPU, a few ms on a GPU. */
const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

function cameraLabels(c: CameraMetrics): Record<CameraLabel, string | number> {
  return { camera_id: c.id, camera: c.name };
}

/** A summary family whose quantiles come from a rolling window (no _sum/_count: the window has none). */
function windowSummary(registry: Registry, name: string, help: string, samples: () => { labels: Labels; value: number | null }[]): void {
  registry.registerMetric({
    name,
    get: async () => ({
      name,
      help,
      type: 'summary',
      aggregator: 'omit',
      values: samples().filter((s): s is { labels: Labels; value: number } => s.value !== null && Number.isFinite(s.value)),
    }),
  } as unknown as Gauge);
}

/**
 * The metrics of one Scouter app: pipeline counters and gauges, frame latency histogram, model
 * engines and the process's default metrics (CPU, memory, event loop, GC).
 * @example const metrics = new ScouterMetrics(() => worker, () => models); reply.send(await metrics.text());
 */
export class ScouterMetrics {
  readonly registry = new Registry();
  private readonly latency: Histogram<CameraLabel>;
  /** The label values of each camera with latency samples, to drop them once it stops. */
  private readonly observed = new Map<number, Record<CameraLabel, string | number>>();

  constructor(
    worker: () => CameraMetricsSource | undefined,
    models: () => readonly ModelBackend[] = () => [],
    /** Networks that gather frames of several cameras into one pass (the inference thread's answer). */
    batches: () => Promise<Record<string, BatchStats>> = async () => ({}),
  ) {
    const registry = this.registry;
    const cams = (): readonly CameraMetrics[] => worker()?.cameraMetrics() ?? [];
    // Each family reads its value from the worker when scraped; a camera that stopped disappears.
    const perCamera = (kind: 'gauge' | 'counter', name: string, help: string, value: (c: CameraMetrics) => number | null): void => {
      const Metric = kind === 'gauge' ? Gauge : Counter;
      new Metric<CameraLabel>({
        name,
        help,
        labelNames: CAMERA_LABELS,
        registers: [registry],
        collect(this: Gauge<CameraLabel> | Counter<CameraLabel>) {
          this.reset();
          for (const c of cams()) {
            const v = value(c);
            if (v === null || !Number.isFinite(v)) continue;
            if (this instanceof Gauge) this.set(cameraLabels(c), v);
            else this.inc(cameraLabels(c), v);
          }
        },
      });
    };

    new Gauge({
      name: 'scouter_cameras_running',
      help: 'Cameras this worker runs',
      registers: [registry],
      collect(this: Gauge) {
        this.set(cams().length);
      },
    });
    perCamera('gauge', 'scouter_camera_fps', 'Processed frames per second over the last 5 s', (c) => c.stats.fps);
    perCamera('counter', 'scouter_frames_decoded_total', 'Frames decoded', (c) => c.stats.framesDecoded);
    perCamera('counter', 'scouter_frames_processed_total', 'Frames through detect, track and publish', (c) => c.stats.framesProcessed);
    perCamera('counter', 'scouter_frames_dropped_total', 'Frames replaced before inference took them (inference slower than the camera)', (c) => c.stats.framesDropped);
    perCamera('counter', 'scouter_frames_predicted_total', "Processed frames whose boxes the tracker predicted instead of a detector pass (every=N, or every='auto' keeping up with a busy engine)", (c) => c.stats.framesPredicted);
    perCamera('counter', 'scouter_reconnects_total', 'Stream reconnect attempts', (c) => c.stats.reconnects);
    perCamera('counter', 'scouter_observations_written_total', 'Observation rows committed to PostgreSQL', (c) => c.observations.written);
    perCamera('gauge', 'scouter_observations_pending', 'Observation rows waiting to be written (they pile up while PostgreSQL is unreachable)', (c) => c.observations.pending);
    perCamera('counter', 'scouter_observations_dropped_total', 'Observation rows dropped because the database stayed away past the buffer (SCOUTER_BUFFER_ROWS)', (c) => c.observations.dropped);
    windowSummary(registry, 'scouter_latency_ms', 'Frame decoded to results published, ms (last 200 frames)', () =>
      cams().flatMap((c) => QUANTILES.map((q) => ({ labels: { ...cameraLabels(c), quantile: q }, value: c.latencyMs(q) }))),
    );
    windowSummary(registry, 'scouter_stage_ms', 'Time per pipeline stage, ms (last 200 frames)', () =>
      cams().flatMap((c) => STAGES.flatMap((stage) => QUANTILES.map((q) => ({ labels: { ...cameraLabels(c), stage, quantile: q }, value: c.stageMs(stage, q) })))),
    );
    const observed = this.observed;
    this.latency = new Histogram({
      name: 'scouter_frame_latency_ms',
      help: 'Frame decoded to results published, ms (every processed frame of each running camera)',
      labelNames: CAMERA_LABELS,
      buckets: LATENCY_BUCKETS_MS,
      registers: [registry],
      collect(this: Histogram<CameraLabel>) {
        // A camera this worker no longer runs leaves /metrics, as in the other per-camera families.
        const w = worker();
        if (!w) return;
        const running = new Set(w.cameraMetrics().map((c) => c.id));
        for (const [id, labels] of observed) {
          if (running.has(id)) continue;
          this.remove(labels);
          observed.delete(id);
        }
      },
    });
    new Gauge({
      name: 'scouter_model_backend',
      help: 'The engine that runs each loaded network (1 per model; see SIGHTLINE_BACKEND)',
      labelNames: ['model', 'backend', 'choice'],
      registers: [registry],
      collect(this: Gauge<'model' | 'backend' | 'choice'>) {
        this.reset();
        for (const m of models()) this.set({ model: m.model, backend: m.backend, choice: m.choice }, 1);
      },
    });
    new Counter({
      name: 'scouter_inference_batch_passes_total',
      help: 'Network passes of a network that gathers frames of several cameras into one pass, by frames in the pass (see SIGHTLINE_BATCH)',
      labelNames: ['model', 'frames'],
      registers: [registry],
      async collect(this: Counter<'model' | 'frames'>) {
        const stats = await batches();
        this.reset();
        for (const [model, b] of Object.entries(stats)) for (const [frames, passes] of Object.entries(b.passesBySize)) this.inc({ model, frames }, passes);
      },
    });
    collectDefaultMetrics({ register: registry });
  }

  /** Records one processed frame's latency (decoded to published). */
  observeFrame(camera: { id: number; name: string }, latencyMs: number): void {
    const labels = { camera_id: camera.id, camera: camera.name };
    const known = this.observed.get(camera.id);
    // A renamed camera restarts under its new name: its old series goes.
    if (known && known.camera !== camera.name) this.latency.remove(known);
    this.observed.set(camera.id, labels);
    this.latency.observe(labels, latencyMs);
  }

  /** The Content-Type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
