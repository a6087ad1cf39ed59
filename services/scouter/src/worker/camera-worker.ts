import type { CameraState, CameraStateEvent, FrameEvent, TracksEvent } from '@sightline/contracts';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CameraRepository, CameraRun } from '../repositories/camera.repository.ts';
import type { CameraStatusRepository } from '../repositories/camera-status.repository.ts';
import type { LeaseRepository } from '../repositories/lease.repository.ts';
import type { ObservationRepository } from '../repositories/observation.repository.ts';
import { CameraPipeline } from '../pipeline/camera-pipeline.ts';
import { specForCamera } from '../pipeline/default-spec.ts';
import { ObservationBatcher } from '../pipeline/observation-batcher.ts';
import { withBox } from '../pipeline/snapshot.ts';
import type { VideoFrame } from '@sightline/vision';
import type { JpegEncoder, PipelineStages } from '../pipeline/stages.ts';
import { TrackEventDetector, type TrackEvent } from '../pipeline/track-events.ts';
import type { NewEvent } from '../repositories/event.repository.ts';
import type { CameraMetrics, CameraMetricsSource } from '../services/metrics.service.ts';

/** Where live events go (socket.io in the service). */
export interface LiveOutput {
  tracks(event: TracksEvent): void;
  /** A preview; `jpeg` is the bytes behind `event.jpegBase64`, for sharing without decoding it again. */
  frame(event: FrameEvent, jpeg: Buffer): void;
  cameraState(event: CameraStateEvent): void;
  /** Whether some page shows this camera in its large view (previews at the focus rate and full size). */
  inFocus(cameraId: number): boolean;
  /** An event of a tracked object, with its snapshot; stored and announced by the event service. */
  event(event: NewEvent): void;
  /** Every processed frame of every camera, whatever its sinks (the frame latency histogram). */
  processed?(camera: { id: number; name: string }, event: TracksEvent): void;
}

export interface WorkerOptions {
  readonly maxCameras: number;
  readonly leaseTtlMs: number;
  readonly heartbeatMs: number;
  readonly stallMs: number;
  readonly reconnectMaxMs: number;
  readonly previewFps: number;
  readonly previewFocusFps: number;
  readonly previewGridWidth: number;
  readonly batchMs: number;
  /** Rows per camera held while the database is away (see ObservationBatcher). */
  readonly bufferRows: number;
  readonly eventTrackMinFrames: number;
}

/** Most frames with events waiting for the snapshot encoder per camera; events beyond it are stored without a snapshot. */
const MAX_PENDING_SNAPSHOT_FRAMES = 8;

export interface WorkerRepositories {
  readonly cameras: CameraRepository;
  readonly leases: LeaseRepository;
  readonly status: CameraStatusRepository;
  readonly observations: ObservationRepository;
}

/** One running camera: its pipeline, observation batcher, preview encoder and the settings it started with. */
export interface RunningCamera {
  readonly run: CameraRun;
  readonly key: string;
  readonly runId: string;
  readonly pipeline: CameraPipeline;
  readonly batcher: ObservationBatcher;
  readonly encoder: JpegEncoder | undefined;
  readonly events: TrackEventDetector;
  lastPreviewMs: number;
  regionsKey: string;
  snapshots: { encoder: JpegEncoder | undefined; chain: Promise<void>; pending: number };
}

/**
 * A Scouter worker: every heartbeat it renews its camera leases, takes its fair share of free
 * cameras (enabled cameras / live workers, at most `maxCameras`), hands back any excess, and starts
 * or stops pipelines to match what it holds. A camera whose pipeline fails never affects another.
 */
export class CameraWorker implements CameraMetricsSource {
  readonly workerId = randomUUID();
  readonly running = new Map<number, RunningCamera>();

  /** The running cameras' counts and latency windows, for /metrics (ScouterMetrics reads only this). */
  cameraMetrics(): CameraMetrics[] {
    return [...this.running.values()].map(({ run, pipeline, batcher }) => ({
      id: run.id,
      name: run.name,
      stats: pipeline.stats(),
      observations: { written: batcher.written, pending: batcher.pendingRows, dropped: batcher.discarded },
      latencyMs: (q) => pipeline.latency.quantile(q),
      stageMs: (stage, q) => pipeline.stageMs[stage].quantile(q),
    }));
  }
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  lastError: string | undefined;

  constructor(
    private readonly repos: WorkerRepositories,
    private readonly stages: PipelineStages,
    private readonly live: LiveOutput,
    private readonly options: WorkerOptions,
    private readonly log: { warn(message: string): void; info(message: string): void } = console,
  ) {}

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.heartbeatMs);
    this.timer.unref();
  }

  /** One heartbeat now (at most one at a time); resolves when it is done. */
  tick(): Promise<void> {
    this.ticking ??= this.heartbeat()
      .catch((err: Error) => {
        if (this.lastError !== err.message) this.log.warn(`scouter worker heartbeat failed: ${err.message}`);
        this.lastError = err.message;
      })
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped) return;
    const { leases, cameras } = this.repos;
    const { leaseTtlMs, maxCameras } = this.options;
    await leases.beat(this.workerId, hostname());
    let held = await leases.renew(this.workerId, leaseTtlMs);
    const { liveWorkers, enabledCameras } = await leases.census(leaseTtlMs);
    const share = Math.min(maxCameras, Math.ceil(enabledCameras / Math.max(1, liveWorkers)));
    if (held.length > share) {
      const excess = held.slice(share);
      await leases.release(this.workerId, excess);
      held = held.slice(0, share);
    } else if (held.length < share) {
      held = held.concat(await leases.claim(this.workerId, share - held.length, leaseTtlMs)).sort((a, b) => a - b);
    }
    const runs = await cameras.runsFor(held);
    const wanted = new Map(runs.map((r) => [r.id, r]));
    for (const [id, cam] of this.running) {
      const run = wanted.get(id);
      if (!run || keyOf(run) !== cam.key) await this.stopCamera(id);
      else this.applyRegions(cam, run);
    }
    for (const run of runs) {
      const ended = this.playedOut.get(run.id);
      if (ended && ended.key === keyOf(run) && Date.now() - ended.atMs < leaseTtlMs) continue;
      if (!this.running.has(run.id) && !this.stopped) this.startCamera(run);
    }
    for (const cam of [...this.running.values()]) {
      if (cam.pipeline.currentState === 'ended') await this.onPipelineDone(cam);
      else await this.saveStatus(cam, cam.pipeline.currentState, null, false);
    }
    this.lastError = undefined;
  }

  private startCamera(run: CameraRun): void {
    const spec = specForCamera(run, run.spec);
    const runId = randomUUID();
    const batcher = new ObservationBatcher(
      (rows) => this.repos.observations.insertBatch(run.id, runId, rows),
      this.options.batchMs,
      this.options.bufferRows,
      (err) => this.log.warn(`camera ${run.id}: observations not written yet (${err.message}); retrying`),
      undefined,
      (dropped) => this.log.info(`camera ${run.id} was removed: its ${dropped} unwritten observations are discarded`),
    );
    const encoder = this.options.previewFps > 0 && spec.sinks.includes('live') ? this.stages.createJpegEncoder?.() : undefined;
    const toLive = spec.sinks.includes('live');
    const toDb = spec.sinks.includes('postgres');
    // A track unseen for two seconds of frames has ended (ByteTrack keeps lost tracks about as long).
    const events = new TrackEventDetector({ minFrames: this.options.eventTrackMinFrames, endAfterFrames: Math.max(5, Math.round(run.fps * 2)) });
    const cam: RunningCamera = {
      run,
      key: keyOf(run),
      runId,
      batcher,
      encoder,
      events,
      lastPreviewMs: 0,
      regionsKey: '',
      snapshots: { encoder: undefined, chain: Promise.resolve(), pending: 0 },
      pipeline: new CameraPipeline(
        run.id,
        spec,
        this.stages,
        {
          onTracks: (event, observations) => {
            this.live.processed?.(run, event);
            if (toLive) this.live.tracks(event);
            if (toDb) batcher.add(observations);
          },
          onFrame: (frame, event) => {
            this.raise(cam, events.update(event.boxes, [event.width, event.height]), frame, event.decodedAtMs);
            // The camera in some page's large view gets more and larger previews; the grid fewer, smaller ones.
            const focus = this.live.inFocus(run.id) && this.options.previewFocusFps > 0;
            const fps = focus ? this.options.previewFocusFps : this.options.previewFps;
            if (!encoder || Date.now() - cam.lastPreviewMs < 1000 / fps) return;
            cam.lastPreviewMs = Date.now();
            encoder
              .encode(frame, focus ? undefined : this.options.previewGridWidth)
              .then((jpeg) => this.live.frame({ cameraId: run.id, frameIndex: event.frameIndex, width: frame.width, height: frame.height, jpegBase64: jpeg.toString('base64') }, jpeg))
              .catch(() => undefined);
          },
          onState: (state, message) => {
            if (state === 'failed' || state === 'reconnecting') this.log.warn(`camera ${run.id} (${run.name}) ${state}: ${message}`);
            void this.saveStatus(cam, state, message, true);
          },
          onFrameSize: (width, height) => void this.repos.cameras.setFrameSize(run.id, width, height).catch(() => undefined),
        },
        { stallMs: this.options.stallMs, reconnectMaxMs: this.options.reconnectMaxMs },
      ),
    };
    this.applyRegions(cam, run);
    this.running.set(run.id, cam);
    cam.pipeline.start();
    void cam.pipeline.done.then(() => this.onPipelineDone(cam));
  }

  /**
   * A file that played to its end is recorded as ended (which keeps every worker from claiming it
   * again) before its lease is handed back; then the camera is stopped here.
   */
  private async onPipelineDone(cam: RunningCamera): Promise<void> {
    if (this.stopped || this.running.get(cam.run.id) !== cam || cam.pipeline.currentState !== 'ended') return;
    try {
      this.playedOut.set(cam.run.id, { key: cam.key, atMs: Date.now() });
      await cam.batcher.flush();
      await this.saveStatus(cam, 'ended', this.messages.get(cam.run.id) ?? null, false, true);
      await this.repos.leases.release(this.workerId, [cam.run.id]);
      if (this.running.get(cam.run.id) === cam) await this.stopCamera(cam.run.id);
    } catch (err) {
      this.log.warn(`camera ${cam.run.id}: could not record its end (${(err as Error).message}); the next heartbeat retries`);
    }
  }

  private readonly messages = new Map<number, string | null>();
  /** Cameras that played out here, by settings key and time: a heartbeat that read its leases before the end must not restart them. */
  private readonly playedOut = new Map<number, { key: string; atMs: number }>();

  private async saveStatus(cam: RunningCamera, state: CameraState, detail: string | null, changed: boolean, mustSave = false): Promise<void> {
    const message = publicMessage(cam.run, detail);
    if (changed && message !== detail) this.log.warn(`camera ${cam.run.id} (${cam.run.name}): ${detail}`);
    if (changed) this.messages.set(cam.run.id, message);
    const msg = changed ? message : (this.messages.get(cam.run.id) ?? null);
    const stats = cam.pipeline.stats();
    this.live.cameraState({ cameraId: cam.run.id, state, message: msg, workerId: this.workerId, stats });
    const saving = this.repos.status.save(cam.run.id, this.workerId, state, msg, stats);
    await (mustSave ? saving : saving.catch(() => undefined));
  }

  /** Masks, zones and lines changed on a running camera take effect from its next frame, without a restart. */
  private applyRegions(cam: RunningCamera, run: CameraRun): void {
    const key = JSON.stringify(run.regions);
    if (key === cam.regionsKey) return;
    cam.regionsKey = key;
    cam.pipeline.setMasks(run.regions.masks);
    cam.events.setRegions(run.regions);
  }

  /**
   * Records one frame's events, each with a snapshot (the frame with that object's box drawn). The
   * frame is copied once and the snapshots encoded one at a time per camera; when too many frames
   * wait, their events are stored without one rather than queued without bound.
   */
  private raise(cam: RunningCamera, found: readonly TrackEvent[], frame: VideoFrame | undefined, atMs: number): void {
    if (found.length === 0) return;
    const occurredAt = new Date(atMs);
    const base = (e: TrackEvent) => ({ occurredAt, cameraId: cam.run.id, runId: cam.runId, kind: e.kind, trackerId: e.box.trackerId, className: e.box.className, region: e.region, direction: e.direction, score: e.box.score, xyxy: e.box.xyxy, attributes: e.box.attributes });
    const snaps = cam.snapshots;
    if (!frame || !this.stages.createJpegEncoder || snaps.pending >= MAX_PENDING_SNAPSHOT_FRAMES) {
      for (const e of found) this.live.event({ ...base(e), snapshot: undefined });
      return;
    }
    const still: VideoFrame = { ...frame, data: new Uint8Array(frame.data) };
    snaps.pending++;
    snaps.chain = snaps.chain.then(async () => {
      snaps.encoder ??= this.stages.createJpegEncoder!();
      for (const e of found) {
        const jpeg = await snaps.encoder.encode(withBox(still, e.box.xyxy, [255, 200, 0])).catch(() => undefined);
        this.live.event({ ...base(e), snapshot: jpeg });
      }
      snaps.pending--;
    });
  }

  private async stopCamera(id: number): Promise<void> {
    const cam = this.running.get(id);
    if (!cam) return;
    this.running.delete(id);
    await cam.pipeline.stop();
    cam.encoder?.close();
    // Tracks still in view end with the pipeline (events of a removed camera are dropped when stored).
    this.raise(cam, cam.events.finish(), undefined, Date.now());
    await cam.snapshots.chain;
    cam.snapshots.encoder?.close();
    await cam.batcher.close();
  }

  /** Stops every pipeline, writes what is pending and hands the cameras back. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    await Promise.all([...this.running.keys()].map((id) => this.stopCamera(id)));
    await this.repos.leases.leave(this.workerId).catch(() => undefined);
  }
}

function keyOf(run: CameraRun): string {
  return JSON.stringify([run.uri, run.fps, run.loop, run.spec]);
}

/**
 * What users see of a stream's failure. ffmpeg's own words ("401 Unauthorized", "Connection
 * refused", "no video stream") would tell a caller what answers at an address, making Scouter a
 * port scanner; they go to the log, users get one sentence. Files are the operator's own, so their
 * messages stay as they are.
 */
function publicMessage(run: CameraRun, detail: string | null): string | null {
  if (detail === null || run.uri.startsWith('file:')) return detail;
  // The reconnect schedule is Scouter's own and says nothing about the address; keep it.
  const schedule = /; (reconnect attempt \d+ in [\d.]+ s)$/.exec(detail)?.[1];
  return `the stream could not be read; the Scouter log has the details${schedule ? `; ${schedule}` : ''}`;
}
