import type { AttributeValue, CameraState, CameraStats, ImagePolygon, TrackedBox, TracksEvent } from '@sightline/contracts';
import { compensatesCameraMotion, type PipelineSpec } from '@sightline/flow';
import { CameraMotionEstimator, PolygonZone, TrackExtrapolator, type Detections, type VideoFrame } from '@sightline/vision';
import type { ObservationRow } from '../types/observation.ts';
import { backoffMs, sleep } from './backoff.ts';
import { insideFrame } from './frame-point.ts';
import { FrameHandoff } from './frame-handoff.ts';
import { RateMeter, RollingWindow } from './stage-timings.ts';
import type { AttributeEstimator, Detector, PipelineStages, Tracker } from './stages.ts';

/** Where a pipeline's results and state changes go (socket.io, the observation batcher, the status table). */
export interface PipelineSinks {
  onTracks(event: TracksEvent, observations: readonly ObservationRow[]): void;
  /** Every processed frame with its boxes (previews, event snapshots). */
  onFrame?(frame: VideoFrame, event: TracksEvent): void;
  onState(state: CameraState, message: string | null): void;
  onFrameSize?(width: number, height: number): void;
}

export interface PipelineOptions {
  readonly stallMs: number;
  readonly reconnectMaxMs: number;
  /**
   * true (cameras): files play at the camera's rate and a slow inference drops frames. false
   * (one-shot runs): decode as fast as inference takes frames, every frame processed.
   */
  readonly realtime?: boolean;
}

/** A decoded frame with the time it left the decoder. */
interface TimedFrame {
  readonly frame: VideoFrame;
  readonly decodedAtMs: number;
  readonly decodedAtPerf: number;
}

export const STAGES = ['detect', 'track', 'attributes'] as const;
export type StageName = (typeof STAGES)[number];

class StallError extends Error {}

/**
 * One camera's bounded pipeline: a decode loop feeds a bounded hand-off and an inference loop
 * takes frames from it (detect -> track -> attributes -> sinks), so decoding and inference overlap
 * and a slow detector never queues frames without bound: with every='auto' the newest waiting
 * frame is detected and the ones before it get the tracks' boxes interpolated to their time (see
 * handoffCapacity), otherwise newer frames replace them. A dropped or stalled stream is reopened
 * with exponential backoff; a file without `loop` ends the pipeline in state `ended`.
 */
export class CameraPipeline {
  readonly latency = new RollingWindow();
  readonly stageMs: Record<StageName, RollingWindow> = { detect: new RollingWindow(), track: new RollingWindow(), attributes: new RollingWindow() };
  private readonly rate = new RateMeter();
  private readonly slot: FrameHandoff<TimedFrame>;
  private readonly abort = new AbortController();
  /** With detect(..., every=N) or 'auto': the tracks' boxes on the frames the detector skips. */
  private readonly between = new TrackExtrapolator();
  /** Camera-motion compensation (track(..., motion='auto'), the bytetrack default): the camera's motion between detected frames. */
  private cameraMotion: CameraMotionEstimator | undefined;
  private framesDecoded = 0;
  private framesProcessed = 0;
  /** Processed frames whose boxes the tracker predicted instead of the detector. */
  private framesPredicted = 0;
  /** The index of the frame the tracker last saw (-1 before the first). */
  private lastTrackedIndex = -1;
  private reconnects = 0;
  private state: CameraState = 'idle';
  private message: string | null = null;
  private running: Promise<void> | undefined;
  private masks: PolygonZone[] = [];
  /** Detections dropped because their bottom-centre fell in a mask. */
  maskedDetections = 0;

  constructor(
    readonly cameraId: number,
    readonly spec: PipelineSpec,
    private readonly stages: PipelineStages,
    private readonly sinks: PipelineSinks,
    private readonly options: PipelineOptions,
  ) {
    this.slot = new FrameHandoff(handoffCapacity(spec, options));
  }

  /** Areas the detector ignores from the next frame on: a detection whose box bottom-centre falls in one is dropped before tracking. */
  setMasks(masks: readonly ImagePolygon[]): void {
    this.masks = masks.map((m) => new PolygonZone(m));
  }

  get currentState(): CameraState {
    return this.state;
  }

  stats(): CameraStats {
    return {
      framesDecoded: this.framesDecoded,
      framesProcessed: this.framesProcessed,
      framesDropped: this.slot.dropped,
      framesPredicted: this.framesPredicted,
      reconnects: this.reconnects,
      fps: Math.round(this.rate.rate() * 100) / 100,
      latencyMsP50: this.latency.quantile(0.5),
      latencyMsP95: this.latency.quantile(0.95),
    };
  }

  /** Starts both loops; resolves (via `done`) when stopped or ended. Stage loading errors end in `failed`. */
  start(): void {
    this.running ??= this.run();
  }

  get done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.slot.close();
    await this.running;
  }

  private setState(state: CameraState, message: string | null): void {
    if (state === this.state && message === this.message) return;
    this.state = state;
    this.message = message;
    this.sinks.onState(state, message);
  }

  private async run(): Promise<void> {
    this.setState('starting', null);
    let detector: Detector;
    let tracker: Tracker | undefined;
    let attributes: AttributeEstimator | undefined;
    try {
      detector = await this.stages.loadDetector(this.spec.detect, this.spec.attributes, this.spec.track);
      if (this.spec.track) tracker = this.stages.createTracker(this.spec.track, this.spec.source.fps, this.spec.detect.model);
      if (this.spec.track && tracker?.compensate && compensatesCameraMotion(this.spec.track)) this.cameraMotion = new CameraMotionEstimator();
      if (this.spec.attributes && this.spec.attributes.heads.length > 0) {
        if (!this.stages.loadAttributes) throw new Error(`attribute heads ${this.spec.attributes.heads.join(', ')} were asked for, but this Scouter has no attribute models loaded`);
        attributes = await this.stages.loadAttributes(this.spec.attributes);
      }
    } catch (err) {
      this.setState('failed', `could not load the pipeline's models: ${(err as Error).message}`);
      return;
    }
    if (this.abort.signal.aborted) return;
    const decoding = this.decodeLoop().finally(() => this.slot.close());
    await this.inferenceLoop(detector, tracker, attributes);
    await decoding;
    attributes?.release?.();
    if (!this.abort.signal.aborted && this.state !== 'failed') this.setState('ended', `the video ended after ${this.framesDecoded} frames`);
  }

  private async decodeLoop(): Promise<void> {
    const { source } = this.spec;
    const isFile = source.type === 'video';
    let attempt = 0;
    while (!this.abort.signal.aborted) {
      const run = new AbortController();
      const stopRun = () => run.abort();
      this.abort.signal.addEventListener('abort', stopRun, { once: true });
      let framesThisRun = 0;
      let failure: string | undefined;
      const pace = new PlaybackClock(1000 / source.fps);
      try {
        for await (const frame of this.withStallWatch(this.stages.openSource(source, run.signal), run)) {
          if (framesThisRun === 0) {
            this.sinks.onFrameSize?.(frame.width, frame.height);
            this.slot.resize(handoffCapacity(this.spec, this.options, frame.data.byteLength));
            this.setState('running', null);
          }
          framesThisRun++;
          this.framesDecoded++;
          attempt = 0;
          if (this.options.realtime === false) await this.slot.waitEmpty();
          this.slot.put({ frame, decodedAtMs: Date.now(), decodedAtPerf: performance.now() });
          // A file plays at the camera's rate, as a live camera would deliver it.
          if (isFile && this.options.realtime !== false) await sleep(pace.waitMs(performance.now()), this.abort.signal);
        }
        if (isFile && framesThisRun > 0) {
          if (source.loop) continue;
          return;
        }
        failure = framesThisRun === 0 ? 'the source gave no frames' : 'the stream ended';
      } catch (err) {
        failure = err instanceof StallError ? err.message : (err as Error).message;
      } finally {
        this.abort.signal.removeEventListener('abort', stopRun);
        run.abort();
      }
      if (this.abort.signal.aborted) return;
      attempt++;
      this.reconnects++;
      const wait = backoffMs(attempt, this.options.reconnectMaxMs);
      this.setState('reconnecting', `${failure}; reconnect attempt ${attempt} in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait, this.abort.signal);
    }
  }

  /** Ends the iteration with a StallError when no frame arrives within `stallMs`. */
  private async *withStallWatch(frames: AsyncIterable<VideoFrame>, run: AbortController): AsyncGenerator<VideoFrame> {
    const iterator = frames[Symbol.asyncIterator]();
    try {
      while (true) {
        let timer: NodeJS.Timeout | undefined;
        const stalled = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StallError(`no frame for ${(this.options.stallMs / 1000).toFixed(1)} s (stream stalled)`)), this.options.stallMs);
        });
        let result: IteratorResult<VideoFrame>;
        try {
          result = await Promise.race([iterator.next(), stalled]);
        } finally {
          clearTimeout(timer);
        }
        if (result.done) return;
        yield result.value;
      }
    } finally {
      run.abort();
      void iterator.return?.().catch(() => undefined);
    }
  }

  private async inferenceLoop(detector: Detector, tracker: Tracker | undefined, attributes: AttributeEstimator | undefined): Promise<void> {
    while (true) {
      const item = await this.slot.take();
      if (!item) return;
      try {
        await this.process(this.holdsBacklog(item, tracker) ? [item, ...this.slot.drain()] : [item], detector, tracker, attributes);
      } catch (err) {
        this.setState('failed', `inference failed: ${(err as Error).message}`);
        this.abort.abort();
        this.slot.close();
        return;
      }
    }
  }

  private dropMasked(detections: Detections, width: number, height: number): Detections {
    const feet = detections.bottomCenters();
    const masks = this.masks;
    const kept = detections.filter((i) => !masks.some((m) => m.contains(insideFrame(feet[i * 2]!, feet[i * 2 + 1]!, width, height))));
    this.maskedDetections += detections.length - kept.length;
    return kept;
  }

  /**
   * With every=N, whether this frame gets the tracks' predicted boxes: every N-th is detected.
   */
  private skipsDetector(every: number | 'auto'): boolean {
    return every !== 'auto' && this.framesProcessed % every !== 0;
  }

  /**
   * With every='auto' on a live camera, whether the frame taken waited behind a busy engine (other
   * cameras' passes, a slow pass of its own) for half a frame interval or more: then the newest
   * waiting frame is detected and the frames before it get boxes on the line between the tracks'
   * last detected boxes and their new ones, so the camera keeps its rate instead of dropping
   * frames. One-shot runs (realtime false) detect every frame.
   */
  private holdsBacklog(item: TimedFrame, tracker: Tracker | undefined): boolean {
    if (tracker === undefined || (this.spec.detect.every ?? 'auto') !== 'auto') return false;
    if (this.options.realtime === false || this.framesProcessed === 0) return false;
    return performance.now() - item.decodedAtPerf >= 500 / this.spec.source.fps;
  }

  /**
   * Frames since the tracker's last update: more than 1 after predicted or dropped frames, so the
   * tracker predicts motion over all of them (a 3-frame gap is not a 1-frame step). 1 when the
   * index did not move on (a source that restarted its count).
   */
  private framesSinceTracked(index: number): number {
    const gap = index - this.lastTrackedIndex;
    const first = this.lastTrackedIndex < 0;
    this.lastTrackedIndex = index;
    return first || gap < 1 ? 1 : Math.min(gap, MAX_TRACKED_GAP);
  }

  /**
   * Processes `held` (oldest first): the newest is detected, unless every=N skips it (then the
   * tracks' boxes are moved on at their last velocity); the ones before it, frames that waited
   * behind the engine, get the tracks' boxes interpolated to their time. All are published in order.
   */
  private async process(held: readonly TimedFrame[], detector: Detector, tracker: Tracker | undefined, attributes: AttributeEstimator | undefined): Promise<void> {
    const t0 = performance.now();
    const every = this.spec.detect.every ?? 'auto';
    const predicting = tracker !== undefined && every !== 1;
    const newest = held.at(-1)!;
    if (predicting && this.skipsDetector(every)) {
      const detections = this.between.predict(newest.frame.index);
      this.stageMs.track.add(performance.now() - t0);
      this.publish(newest, newest.frame, detections, true, detector);
      return;
    }
    // Stages may move the pixels to the inference thread and back: keep the frame they return.
    let { detections, frame } = await detector.detect(newest.frame);
    const found = detections;
    if (this.masks.length > 0) detections = this.dropMasked(detections, frame.width, frame.height);
    const t1 = performance.now();
    // Every box found, masked or not, is something that moves on its own: not background.
    if (this.cameraMotion) tracker?.compensate?.(this.cameraMotion.estimate(frame, found.xyxy).affine);
    if (tracker) detections = tracker.update(detections, this.framesSinceTracked(frame.index));
    const tracked = detections;
    const waited = held.slice(0, -1).map((item) => ({ item, boxes: this.between.interpolate(item.frame.index, frame.index, tracked) }));
    if (predicting) this.between.observe(frame.index, detections);
    const t2 = performance.now();
    if (attributes) ({ detections, frame } = await attributes.estimate(frame, detections));
    const t3 = performance.now();
    this.stageMs.detect.add(t1 - t0);
    this.stageMs.track.add(t2 - t1);
    if (attributes) this.stageMs.attributes.add(t3 - t2);
    for (const { item, boxes } of waited) this.publish(item, item.frame, boxes, true, detector);
    this.publish(newest, frame, detections, false, detector);
  }

  /** One processed frame's boxes to the sinks: the live event and the observation rows. */
  private publish(item: TimedFrame, frame: VideoFrame, detections: Detections, predicted: boolean, detector: Detector): void {
    const heads = this.spec.attributes?.heads ?? [];
    const boxes: TrackedBox[] = [];
    for (let i = 0; i < detections.length; i++) {
      const attrs: Record<string, AttributeValue> = {};
      for (const head of heads) {
        const v = detections.data[head]?.[i] as AttributeValue | undefined;
        if (v && (typeof v.value === 'number' || typeof v.value === 'string')) attrs[head] = v;
      }
      // Tracker (Kalman) boxes may reach past the frame edge; observations are in frame pixels.
      const [x1, y1, x2, y2] = detections.box(i);
      const xyxy: [number, number, number, number] = [clampRound(x1, frame.width), clampRound(y1, frame.height), clampRound(x2, frame.width), clampRound(y2, frame.height)];
      if (xyxy[2] - xyxy[0] < 1 || xyxy[3] - xyxy[1] < 1) continue;
      boxes.push({ trackerId: detections.trackerId[i]!, className: detector.className(detections.classId[i]!), score: Math.round(detections.confidence[i]! * 1000) / 1000, xyxy, attributes: attrs });
    }
    this.framesProcessed++;
    if (predicted) this.framesPredicted++;
    this.rate.tick();
    const latencyMs = performance.now() - item.decodedAtPerf;
    this.latency.add(latencyMs);
    const event: TracksEvent = {
      cameraId: this.cameraId,
      frameIndex: frame.index,
      width: frame.width,
      height: frame.height,
      decodedAtMs: item.decodedAtMs,
      latencyMs: Math.round(latencyMs * 10) / 10,
      fps: Math.round(this.rate.rate() * 10) / 10,
      predicted,
      boxes,
    };
    const observedAt = new Date(item.decodedAtMs);
    const observations: ObservationRow[] = boxes
      .filter((b) => b.trackerId >= 0)
      .map((b) => ({ observedAt, trackerId: b.trackerId, className: b.className, score: b.score, xyxy: b.xyxy, attributes: b.attributes }));
    this.sinks.onTracks(event, observations);
    this.sinks.onFrame?.(frame, event);
  }
}

/** Frames a tracker is told passed between two updates at most (after a long outage the tracks have expired anyway). */
const MAX_TRACKED_GAP = 300;

/** Pixels a camera's waiting frames may hold: 5 PETS09-size frames fit, two 1080p frames, one 4K frame. */
export const BACKLOG_BYTES = 16 * 1024 * 1024;

/**
 * Frames the hand-off keeps for the inference loop. A live camera tracked with every='auto' keeps
 * up to half a second of them (2 to 5), within BACKLOG_BYTES of pixels once the frame size is known
 * (so 50 overloaded 1080p cameras hold 0.6 GB of waiting frames, not 1.5): behind a busy engine
 * they wait, in order; the newest is detected and the ones before it are published, in order, with
 * the tracks' boxes interpolated between their last detected boxes and their new ones (one pass
 * later than they would be with every=1), so none is dropped unless the engine falls more than
 * that behind.
 * Otherwise one slot, newest wins.
 * @example handoffCapacity(spec, { stallMs: 5000, reconnectMaxMs: 1000 }, 1920 * 1080 * 3) // 2 at 10 fps
 */
export function handoffCapacity(spec: PipelineSpec, options: PipelineOptions, frameBytes?: number): number {
  const auto = spec.track !== undefined && (spec.detect.every ?? 'auto') === 'auto' && options.realtime !== false;
  if (!auto) return 1;
  const halfSecond = Math.min(5, Math.max(2, Math.round(spec.source.fps / 2)));
  return frameBytes && frameBytes > 0 ? Math.max(1, Math.min(halfSecond, Math.floor(BACKLOG_BYTES / frameBytes))) : halfSecond;
}

/**
 * Due times of a file played at a fixed rate, counted from its first frame (not from opening,
 * which includes ffprobe and ffmpeg's start). A lag of more than a second (the machine was busy)
 * restarts the count instead of bursting frames to catch up.
 */
export class PlaybackClock {
  private startMs: number | undefined;
  private frames = 0;

  constructor(private readonly intervalMs: number) {}

  /** Called after each frame is handed on: how long to wait before the next one. */
  waitMs(nowMs: number): number {
    if (this.startMs === undefined || nowMs - (this.startMs + this.frames * this.intervalMs) > 1000) {
      this.startMs = nowMs;
      this.frames = 0;
    }
    this.frames++;
    return Math.max(0, this.startMs + this.frames * this.intervalMs - nowMs);
  }
}

function clampRound(v: number, max: number): number {
  return Math.round(Math.min(max, Math.max(0, v)) * 10) / 10;
}
