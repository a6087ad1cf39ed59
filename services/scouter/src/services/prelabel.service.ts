// Pre-labeling for Hawk, under the contract of packages/contracts/src/hawk-prelabel-queue.ts:
// claims jobs from Hawk's hawk_prelabel_jobs (woken by NOTIFY hawk_prelabel, with a slow poll as a
// safety net), fetches the range's frames from Hawk's API with the job's frames token, runs
// CenterNet on them, links the boxes with ByteTrack as a camera does (the appearance cue from the
// same pass's map, camera-motion compensation; short gaps bridged and boxes smoothed as `sightline
// track` writes them: prelabel-tracks.ts), and
// stores the checked result in the job row for Hawk to write as a new version. The JPEGs are
// decoded by one ffmpeg process for the whole range and detected on the process's one inference
// thread, the same network and detectStream the cameras use.
import { BusChannel, checkContract, HawkPrelabelNotice, HawkPrelabelResult, HawkPrelabelWork, type HawkXyxy } from '@sightline/contracts';
import { listenToChannel, type ChannelListener } from '@sightline/db';
import { decodeJpegStream } from '@sightline/media';
import { COCO_LABELS, modelCard } from '@sightline/models';
import { TRACK_GAP_SECONDS, TRACK_SMOOTH_SECONDS, TRACK_STITCH_SECONDS, type Detections, type VideoFrame } from '@sightline/vision';
import { hostname } from 'node:os';
import type pg from 'pg';
import { fetchHawkFrames } from '../clients/hawk-frames.client.ts';
import { builtInDetectors } from '../pipeline/detector-catalogue.ts';
import { PrelabelJobRepository, type ClaimedPrelabelJob } from '../repositories/prelabel-job.repository.ts';
import { attachEarlierBoxes, fillPrelabelTrackGaps, PrelabelTracker, round1, smoothPrelabelTracks, stitchPrelabelTracks, type ResultBox, type ResultFrame } from './prelabel-tracks.ts';

/** The detector calls pre-labeling needs: the InferenceThread the camera pipelines use. */
export interface PrelabelInference {
  loadDetector(key: string, options: { model: string; scoreThreshold: number; threads: number; classIds?: number[] }): Promise<{ hasAppearanceMap: boolean }>;
  /** `embed`: each box also carries its appearance embedding (the `embedding` column). */
  detect(key: string, frame: VideoFrame, options?: { embed?: boolean }): Promise<{ detections: Detections; frame: VideoFrame }>;
}

export interface PrelabelWorkerOptions {
  readonly pool: pg.Pool;
  /** The inference thread, asked for when the first job runs. */
  readonly inference: () => PrelabelInference;
  readonly inferenceThreads: number;
  /** Hawk's base URL, where the jobs' frames are read (SCOUTER_HAWK_URL). */
  readonly hawkUrl: string;
  readonly log: { info(message: string): void; warn(message: string): void };
  /** Look for jobs this often even without a notice (default 5 s). */
  readonly pollMs?: number;
  /** A running job whose worker has not reported for this long is taken over (default 60 s). */
  readonly staleAfterMs?: number;
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
        let notice: HawkPrelabelNotice;
        try {
          notice = checkContract(HawkPrelabelNotice, JSON.parse(payload ?? ''), `${BusChannel.hawkPrelabel} notice`);
        } catch (err) {
          this.options.log.warn(`prelabel: ignored a notice: ${(err as Error).message}`);
          return;
        }
        if (notice.status === 'queued') this.wake?.();
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
      let job: ClaimedPrelabelJob | undefined;
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

  private async runJob(claimed: ClaimedPrelabelJob): Promise<void> {
    const started = performance.now();
    let done = 0;
    try {
      if ((claimed.work as { framesToken?: unknown } | null)?.framesToken == null) throw new Error(`job ${claimed.id} has no frames token (queued before Hawk gave jobs one); ask for the pre-labeling again`);
      const job = checkContract(HawkPrelabelWork, claimed.work, `job ${claimed.id}`);
      // The registry's detectors (no cards), all trained on COCO: a job names the same classes whichever runs.
      if (!builtInDetectors.models.includes(job.model)) throw new Error(`unknown detector model "${job.model}"; this Scouter has: ${builtInDetectors.models.join(', ')}`);
      const missing = builtInDetectors.unavailable(job.model);
      if (missing) throw new Error(`this Scouter cannot run ${job.model} yet: ${missing}`);
      const labelOf = new Map<number, string>();
      for (const c of job.classes) {
        const id = COCO_LABELS.indexOf(c.detector);
        if (id < 0) throw new Error(`"${c.detector}" is not one of ${job.model}'s COCO classes (e.g. person, car, bicycle); fix the job's classes`);
        labelOf.set(id, c.label);
      }
      const classIds = [...labelOf.keys()];
      const key = JSON.stringify([job.model, classIds, job.scoreThreshold]);
      const inference = this.options.inference();
      const { hasAppearanceMap } = await inference.loadDetector(key, { model: job.model, scoreThreshold: job.scoreThreshold, threads: this.options.inferenceThreads, classIds });
      // Tracks as a camera keeps them: the appearance cue where the detector has a map, camera motion.
      const embed = job.track && hasAppearanceMap;
      const tracker = job.track ? new PrelabelTracker({ fps: job.fps, trackerScores: modelCard(job.model).trackerScores, appearance: embed }) : undefined;
      const frames: ResultFrame[] = [];
      let image = { width: 0, height: 0 };
      let lastBeat = performance.now();
      const count = job.frameTo - job.frameFrom + 1;
      const hawkFrames = { hawkUrl: this.options.hawkUrl, token: job.framesToken, videoId: job.videoId };
      const abort = new AbortController();
      const decoded = decodeJpegStream(fetchHawkFrames(hawkFrames, job.frameFrom, count, abort.signal), { count, signal: abort.signal });
      for await (const result of detectFrames(inference, key, decoded, count, () => this.stopped, abort, { embed })) {
        const f = job.frameFrom + result.frame.index;
        const found = result.detections;
        image = { width: result.frame.width, height: result.frame.height };
        const trackIds = tracker ? tracker.track(result.frame, found) : new Int32Array(found.length).fill(-1);
        frames.push({ frame: f, boxes: boxesOf(found, trackIds, labelOf, result.frame) });
        if (tracker) attachEarlierBoxes(frames, tracker.confirmedEarlier());
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
      if (tracker) {
        const appearance = tracker.trackAppearance();
        if (appearance) stitchPrelabelTracks(frames, Math.round(TRACK_STITCH_SECONDS * job.fps), appearance);
        fillPrelabelTrackGaps(frames, Math.round(TRACK_GAP_SECONDS * job.fps));
        smoothPrelabelTracks(frames, Math.round(TRACK_SMOOTH_SECONDS * job.fps), image);
      }
      const result = checkContract(HawkPrelabelResult, { frames }, `the result of job ${job.id}`);
      await this.jobs.finish(job.id, this.name, result, done);
      const seconds = (performance.now() - started) / 1000;
      this.options.log.info(`prelabel: job ${job.id} done, ${done} frames in ${seconds.toFixed(1)} s (${(done / seconds).toFixed(1)} frames/s)`);
    } catch (err) {
      const message = (err as Error).message;
      if (this.stopped) {
        // Not the job's fault: hand it back to the queue for the next worker.
        await this.jobs.requeue(claimed.id, this.name).catch(() => undefined);
        return;
      }
      this.options.log.warn(`prelabel: job ${claimed.id} failed after ${done} frames: ${message}`);
      await this.jobs.fail(claimed.id, this.name, message).catch(() => undefined);
    }
  }
}

/**
 * Detections of `count` decoded frames, two in flight on the inference thread (it letterboxes the
 * next while the network runs this one, as for a camera). `frame.index` counts from 0. Stops early
 * when `stop()` says so; `abort` ends the decoding (and what feeds it) when the loop ends.
 * @example for await (const { frame, detections } of detectFrames(thread, key, decodeJpegStream(jpegs, { count: 30 }), 30, () => false, new AbortController())) use(detections);
 */
export async function* detectFrames(inference: PrelabelInference, key: string, frames: AsyncIterable<VideoFrame>, count: number, stop: () => boolean, abort: AbortController, options: { embed?: boolean } = {}): AsyncGenerator<{ detections: Detections; frame: VideoFrame }> {
  const decoded = frames[Symbol.asyncIterator]();
  const detectNext = async (): Promise<{ detections: Detections; frame: VideoFrame } | undefined> => {
    const next = await decoded.next();
    if (next.done) return undefined;
    return inference.detect(key, next.value, options);
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

