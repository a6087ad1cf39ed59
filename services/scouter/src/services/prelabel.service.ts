// Pre-labeling for Hawk: claims jobs from hawk_prelabel_jobs (woken by NOTIFY hawk_prelabel, with a
// slow poll as a safety net), runs CenterNet on Hawk's extracted JPEG frames of the range, links the
// boxes with ByteTrack, and stores them in the job row for Hawk to write as a new version. The
// frames are decoded by one ffmpeg process for the whole range and detected on the process's one
// inference thread, the same network and detectStream the cameras use.
import { BusChannel, type HawkPrelabelResult, type HawkXyxy } from '@sightline/contracts';
import { listenToChannel, type ChannelListener } from '@sightline/db';
import { decodeImageSequence, frameFileName } from '@sightline/media';
import { COCO_LABELS, modelCard } from '@sightline/models';
import { boxIou, ByteTracker, type Detections, type VideoFrame } from '@sightline/vision';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { PrelabelJobRepository, type PrelabelJobRow } from '../repositories/prelabel-job.repository.ts';

/** The detector calls pre-labeling needs: the InferenceThread the camera pipelines use. */
export interface PrelabelInference {
  loadDetector(key: string, options: { scoreThreshold: number; threads: number; classIds?: number[] }): Promise<void>;
  detect(key: string, frame: VideoFrame): Promise<{ detections: Detections; frame: VideoFrame }>;
}

export interface PrelabelWorkerOptions {
  readonly pool: pg.Pool;
  /** The inference thread, asked for when the first job runs. */
  readonly inference: () => PrelabelInference;
  readonly inferenceThreads: number;
  readonly log: { info(message: string): void; warn(message: string): void };
  /** Look for jobs this often even without a notice (default 5 s). */
  readonly pollMs?: number;
  /** A running job whose worker has not reported for this long is taken over (default 60 s). */
  readonly staleAfterMs?: number;
}

type ResultBox = { label: string; xyxy: HawkXyxy; score: number; trackId: number | null };

const round1 = (v: number) => Math.round(v * 10) / 10;

/** The first box of each track usually comes one frame before the tracker confirms it: attach it. */
export function attachTrackStarts(frames: { frame: number; boxes: ResultBox[] }[]): void {
  const seen = new Set<number>();
  for (let i = 1; i < frames.length; i++) {
    for (const box of frames[i]!.boxes) {
      if (box.trackId === null || seen.has(box.trackId)) continue;
      seen.add(box.trackId);
      let best: ResultBox | undefined;
      let bestIou = 0.5;
      for (const prev of frames[i - 1]!.boxes) {
        if (prev.trackId !== null || prev.label !== box.label) continue;
        const o = boxIou(prev.xyxy, 0, box.xyxy, 0);
        if (o >= bestIou) [best, bestIou] = [prev, o];
      }
      if (best && !frames[i - 1]!.boxes.some((b) => b.trackId === box.trackId)) best.trackId = box.trackId;
    }
  }
}

/** Runs Hawk's pre-labeling jobs in this Scouter process; `start()` when the app is ready, `stop()` on close. */
export class PrelabelWorker {
  private readonly jobs: PrelabelJobRepository;
  private readonly name = `${hostname()}:${process.pid}`;
  private listener: ChannelListener | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: PrelabelWorkerOptions) {
    this.jobs = new PrelabelJobRepository(options.pool);
  }

  start(): void {
    this.stopped = false;
    // Queued jobs wake the loop at once; without the connection it polls every pollMs.
    this.listener ??= listenToChannel({
      pool: this.options.pool,
      channel: BusChannel.hawkPrelabel,
      onNotice: (payload) => {
        if (payload?.includes('"queued"')) this.wake?.();
      },
      log: { warn: (m) => this.options.log.warn(`prelabel: ${m}; polling meanwhile`) },
      retryMs: this.options.pollMs ?? 5000,
    });
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let job: PrelabelJobRow | undefined;
      try {
        job = await this.jobs.claim(this.name, this.options.staleAfterMs ?? 60_000);
      } catch (err) {
        this.options.log.warn(`prelabel: cannot claim jobs (${(err as Error).message})`);
      }
      if (job) {
        await this.runJob(job);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs ?? 5000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async runJob(job: PrelabelJobRow): Promise<void> {
    const started = performance.now();
    let done = 0;
    try {
      if (job.model !== 'centernet') throw new Error(`unknown detector model "${job.model}"; this Scouter has: centernet`);
      const labelOf = new Map<number, string>();
      for (const c of job.classes) {
        const id = COCO_LABELS.indexOf(c.detector);
        if (id < 0) throw new Error(`"${c.detector}" is not one of centernet's COCO classes (e.g. person, car, bicycle); fix the job's classes`);
        labelOf.set(id, c.label);
      }
      const path = (f: number) => join(job.framesDir, frameFileName(f));
      if (!existsSync(path(job.frameFrom))) {
        throw new Error(`frame file ${path(job.frameFrom)} is not readable from this Scouter; Hawk's media folder must be mounted at the same path here`);
      }
      const classIds = [...labelOf.keys()];
      const key = JSON.stringify([job.model, classIds, job.scoreThreshold]);
      const inference = this.options.inference();
      await inference.loadDetector(key, { scoreThreshold: job.scoreThreshold, threads: this.options.inferenceThreads, classIds });
      // Rows are written as frames come, so a track must not wait for late confirmation (minHits 3).
      const tracker = job.track ? new ByteTracker({ frameRate: job.fps, boxes: 'detection', minHits: 3, ...modelCard(job.model).trackerScores }) : undefined;
      const frames: { frame: number; boxes: ResultBox[] }[] = [];
      let lastBeat = performance.now();
      const count = job.frameTo - job.frameFrom + 1;
      const pattern = join(job.framesDir, '%06d.jpg');
      for await (const result of detectImageRange(inference, key, pattern, job.frameFrom + 1, count, () => this.stopped)) {
        const f = job.frameFrom + result.frame.index;
        const found = result.detections;
        const trackIds = new Int32Array(found.length).fill(-1);
        if (tracker) {
          const tracked = tracker.update(found.withData('source', Array.from({ length: found.length }, (_, i) => i)));
          const source = tracked.data.source as number[];
          source.forEach((s, i) => (trackIds[s] = tracked.trackerId[i]!));
        }
        frames.push({ frame: f, boxes: boxesOf(found, trackIds, labelOf, result.frame) });
        done++;
        if (performance.now() - lastBeat > 1000) {
          lastBeat = performance.now();
          if (!(await this.jobs.heartbeat(job.id, this.name, done))) {
            this.options.log.warn(`prelabel: job ${job.id} was taken over or deleted; dropping this run`);
            return;
          }
        }
      }
      if (done < count) throw new Error(`only ${done} of the ${count} frames of the range could be read`);
      if (tracker) attachTrackStarts(frames);
      const result: HawkPrelabelResult = { frames };
      await this.jobs.finish(job.id, this.name, result, done);
      const seconds = (performance.now() - started) / 1000;
      this.options.log.info(`prelabel: job ${job.id} done, ${done} frames in ${seconds.toFixed(1)} s (${(done / seconds).toFixed(1)} frames/s)`);
    } catch (err) {
      const message = (err as Error).message;
      if (this.stopped) {
        // Not the job's fault: hand it back to the queue for the next worker.
        await this.jobs.requeue(job.id, this.name).catch(() => undefined);
        return;
      }
      this.options.log.warn(`prelabel: job ${job.id} failed after ${done} frames: ${message}`);
      await this.jobs.fail(job.id, this.name, message).catch(() => undefined);
    }
  }
}

/**
 * Detections of `count` numbered images from file number `start` on: one ffmpeg decode for the
 * range, two frames in flight on the inference thread (it letterboxes the next while the network
 * runs this one, as for a camera). `frame.index` counts from 0. Stops early when `stop()` says so.
 * @example for await (const { frame, detections } of detectImageRange(thread, key, 'f/%06d.jpg', 1, 30, () => false)) use(detections);
 */
export async function* detectImageRange(inference: PrelabelInference, key: string, pattern: string, start: number, count: number, stop: () => boolean): AsyncGenerator<{ detections: Detections; frame: VideoFrame }> {
  const abort = new AbortController();
  const decoded = decodeImageSequence(pattern, { start, count, signal: abort.signal })[Symbol.asyncIterator]();
  const detectNext = async (): Promise<{ detections: Detections; frame: VideoFrame } | undefined> => {
    const next = await decoded.next();
    if (next.done) return undefined;
    return inference.detect(key, next.value);
  };
  try {
    let inFlight = detectNext();
    for (let i = 0; i < count; i++) {
      if (stop()) throw new Error('Scouter stopped during the job');
      const result = await inFlight;
      if (!result) return;
      inFlight = i + 1 < count ? detectNext() : Promise.resolve(undefined);
      inFlight.catch(() => undefined);
      yield result;
    }
  } finally {
    abort.abort();
    await decoded.return?.(undefined);
  }
}

function boxesOf(found: Detections, trackIds: Int32Array, labelOf: Map<number, string>, image: { width: number; height: number }): ResultBox[] {
  const boxes: ResultBox[] = [];
  for (let i = 0; i < found.length; i++) {
    const [x1, y1, x2, y2] = found.box(i);
    const xyxy: HawkXyxy = [round1(Math.max(0, x1)), round1(Math.max(0, y1)), round1(Math.min(image.width, x2)), round1(Math.min(image.height, y2))];
    if (!(xyxy[2] > xyxy[0] && xyxy[3] > xyxy[1])) continue;
    const label = labelOf.get(found.classId[i]!);
    if (label === undefined) continue;
    boxes.push({ label, xyxy, score: Math.round(found.confidence[i]! * 1000) / 1000, trackId: trackIds[i]! >= 0 ? trackIds[i]! : null });
  }
  return boxes;
}

