// The inference thread: every network of this process (CenterNet, BlazeFace + AgeGenderNet) runs
// here, so letterboxing, output decoding, NMS and face crops never block the main event loop that
// reads ffmpeg pipes, writes PostgreSQL and serves socket.io. Frames arrive as transferred buffers
// and go back with the answer (zero copies). Detection requests of one detector setting feed
// CenterNet's detectStream, which letterboxes the next frame while the network runs the current.
// Trained heads run on the feature map of that same detector pass (kept here until the frame's
// tracked boxes come back), so a frame costs one network pass with or without heads. The
// appearance cue pools each box's embedding from the map of that same pass, here, and sends the
// embeddings back with the boxes (a few KiB instead of the map's MiBs).
// When the batch policy gathers (frame-batcher.ts: CUDA, or SIGHTLINE_BATCH=on), CenterNet's
// frames of every camera and filter setting go through one FrameBatcher per network instead:
// letterboxed on arrival, run as one pass per input shape, decoded per frame with each
// request's filters.
import { AttributeHead, CenterNetDetector, createDetector, embedFrameBoxes, type BatchInput, type FeaturePass, FaceAttributeEstimator, loadedModelBackends, modelRuns, TrackFaceAttributes, type FrameFeatures, type ObjectDetector } from '@sightline/models';
import { APPEARANCE_DEFAULTS, Detections, type Frame } from '@sightline/vision';
import { parentPort } from 'node:worker_threads';
import { batchingFor, batchSetting, FrameBatcher } from './frame-batcher.ts';
import type { AttributeAnswer, BatchStats, DetectAnswer, HeadAttributeAnswer, InferenceRequest, WorkerReply } from './inference-protocol.ts';

const port = parentPort;
if (!port) throw new Error('inference.worker.ts runs inside a worker thread (see inference-thread.ts)');

/** An async iterable fed by requests: the frames one detector's detectStream consumes. */
class FrameQueue implements AsyncIterable<Frame> {
  private readonly items: Frame[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  push(frame: Frame): void {
    this.items.push(frame);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** Forgets every frame still waiting (their requests are answered with the error). */
  drain(): Frame[] {
    return this.items.splice(0);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Frame> {
    while (true) {
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

// `pending` holds the queued frames' requests in queue order (detectStream answers in order), with
// whether each frame's feature map is to be kept for its trained heads and whether its boxes get
// appearance embeddings.
interface PendingDetect {
  id: number;
  frame: Frame;
  features: boolean;
  embed: boolean;
}
const detectors = new Map<string, { detector: ObjectDetector; queue: FrameQueue; running: Promise<void>; pending: PendingDetect[]; batcher?: Batcher }>();

/**
 * Which map a pass fetches: trained heads need it at the detector's featureShape (the shape they
 * learnt on), and the appearance cue then pools the same map; the cue alone fetches it at the
 * frame's own input shape, so its boxes are those of a pass without it.
 */
function featurePass(request: { features?: boolean; embed?: boolean }): FeaturePass {
  return request.features === true ? true : request.embed === true ? 'source' : false;
}

/**
 * Answers one detect request, from a single or a batched pass: the boxes with an appearance
 * embedding each when asked (pooled from the pass's own map), the map kept for the frame's trained
 * heads when asked, the frame and the boxes' arrays transferred back.
 */
function answerDetect(request: { id: number; features: boolean; embed: boolean }, frame: Frame, found: Detections, kept: FrameFeatures | undefined, networkMs: number): void {
  const { id } = request;
  const detections = request.embed && kept ? found.withData(APPEARANCE_DEFAULTS.key, embedFrameBoxes(kept, found.xyxy)) : found;
  const forHeads = request.features && kept !== undefined;
  if (forHeads) keepFeatures(id, kept);
  const { message, transfer } = detections.toMessage();
  const answer: DetectAnswer = { id, ok: true, frame, detections: message, networkMs, ...(forHeads ? { featureId: id } : {}) };
  reply(answer, [frame.data.buffer as ArrayBuffer, ...transfer]);
}

/** One letterboxed frame waiting for a batched pass; its own filters (view) decode it. */
interface BatchItem {
  frame: Frame;
  view: CenterNetDetector;
  input: BatchInput;
}
type Batcher = FrameBatcher<BatchItem, { detections: Detections; features?: FrameFeatures; networkMs: number }>;
// One gatherer per network (by model), shared by every filter setting of it: cameras with other
// classes or scores still share passes.
const batchers = new Map<string, Batcher>();

function batcherFor(model: string, base: ObjectDetector): Batcher | undefined {
  if (!(base instanceof CenterNetDetector)) return undefined;
  let batcher = batchers.get(model);
  if (batcher) return batcher;
  const policy = batchingFor(base.backend.backend, batchSetting());
  if (policy.maxBatch <= 1) return undefined;
  const pass = async (items: BatchItem[]) => {
    const inputs = items.map((i) => i.input);
    const started = performance.now();
    const outs = await base.runBatch(inputs);
    // Each frame's share of the pass, so per-frame network time adds up to what ran.
    const networkMs = (performance.now() - started) / items.length;
    return outs.map(({ raw, features }, i) => {
      const { frame, view } = items[i]!;
      const { mapping } = inputs[i]!;
      return { detections: view.decode(raw, frame, mapping), ...(features ? { features: { features, mapping, featureStride: view.featureStride } } : {}), networkMs };
    });
  };
  batcher = new FrameBatcher(policy, pass, undefined, (item) => item.input.shape.join('x'));
  batchers.set(model, batcher);
  return batcher;
}

function detectBatched(batcher: Batcher, view: CenterNetDetector, request: Extract<InferenceRequest, { type: 'detect' }>): void {
  const { id, frame } = request;
  // Letterboxed before it joins a batch (while a pass may run): a frame that cannot be prepared
  // fails alone; a failed pass answers every frame of its batch with the error.
  view
    .prepareForBatch(frame, featurePass(request))
    .then((input) => batcher.push({ frame, view, input }))
    .then(
      ({ detections, features, networkMs }) => answerDetect({ id, features: request.features === true, embed: request.embed === true }, frame, detections, features, networkMs),
      (err) => fail(id, err),
    );
}

let faces: Promise<FaceAttributeEstimator> | undefined;
const sessions = new Map<string, TrackFaceAttributes>();
// Attribute work is serialised: one face network pass at a time, in arrival order.
let attributeTail: Promise<void> = Promise.resolve();

// Trained heads by name (the deployed version; a new version replaces the old one between frames).
const trainedHeads = new Map<string, { version: number; head: AttributeHead }>();
// Feature maps of detector passes whose frames' heads have not run yet, by detect request id. A
// pipeline asks for its frame's heads right after tracking, so one map per camera waits at most;
// the oldest beyond the bound (about 8 MiB each) is dropped and its frame gets no new head values.
const keptFeatures = new Map<number, FrameFeatures>();
const KEPT_FEATURES = 8;

function keepFeatures(id: number, features: FrameFeatures): void {
  keptFeatures.set(id, features);
  for (const old of keptFeatures.keys()) {
    if (keptFeatures.size <= KEPT_FEATURES) break;
    keptFeatures.delete(old);
  }
}

async function loadHead(request: Extract<InferenceRequest, { type: 'load-head' }>): Promise<void> {
  const current = trainedHeads.get(request.name);
  if (current?.version === request.version) return;
  const head = await AttributeHead.fromModel(request.spec, request.onnx, { threads: 1 });
  trainedHeads.set(request.name, { version: request.version, head });
  // Attribute work is serialised on attributeTail, so no pass is using the old head now.
  await current?.head.release();
}

async function headAttributes(request: Extract<InferenceRequest, { type: 'head-attributes' }>): Promise<void> {
  const answer: HeadAttributeAnswer = { id: request.id, ok: true, heads: {} };
  const kept = keptFeatures.get(request.featureId);
  keptFeatures.delete(request.featureId);
  const wanted = request.names.map((n) => [n, trainedHeads.get(n)] as const).filter((e): e is readonly [string, { version: number; head: AttributeHead }] => e[1] !== undefined);
  const boxes = Detections.fromMessage(request.detections);
  if (kept && wanted.length > 0 && boxes.length > 0) {
    const { features, mapping } = kept;
    for (const [name, { version, head }] of wanted) {
      const out = await head.apply(features, boxes, mapping);
      const values = out.data[`attr:${name}`] as { probabilities: number[] }[];
      answer.heads[name] = { version, labels: head.spec.labels, probabilities: Float32Array.from(values.flatMap((v) => v.probabilities)) };
    }
  }
  reply(answer);
}

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function fail(id: number, err: unknown): void {
  reply({ id, ok: false, error: (err as Error).message ?? String(err) });
}

// One network per model for the whole process; each filter setting (classes, score) is a view on
// it with its own stream, so a pre-labeling job beside the cameras loads no second copy.
const networks = new Map<string, Promise<ObjectDetector>>();

function network(model: string, threads: number): Promise<ObjectDetector> {
  let loading = networks.get(model);
  if (!loading) {
    loading = createDetector(model, { threads, scoreThreshold: 0 });
    loading.catch(() => networks.delete(model));
    networks.set(model, loading);
  }
  return loading;
}

/** What a loaded detector's passes can also give: CenterNet's shared map for heads, a map for the appearance cue. */
function mapsOf(detector: ObjectDetector): { hasFeatures: boolean; hasAppearanceMap: boolean } {
  return { hasFeatures: detector.hasFeatures, hasAppearanceMap: detector.hasAppearanceMap };
}

async function loadDetector(key: string, options: { model: string; scoreThreshold: number; threads: number; classIds?: number[] }): Promise<{ hasFeatures: boolean; hasAppearanceMap: boolean }> {
  const loaded = detectors.get(key);
  if (loaded) return mapsOf(loaded.detector);
  const base = await network(options.model, options.threads);
  const raced = detectors.get(key);
  if (raced) return mapsOf(raced.detector);
  const detector = base.withFilters({ scoreThreshold: options.scoreThreshold, ...(options.classIds ? { classIds: options.classIds } : {}) });
  const batcher = batcherFor(options.model, base);
  if (batcher) {
    detectors.set(key, { detector, queue: new FrameQueue(), running: Promise.resolve(), pending: [], batcher });
    return mapsOf(detector);
  }
  const queue = new FrameQueue();
  const pending: PendingDetect[] = [];
  const running = (async () => {
    try {
      const withFeatures = (f: Frame): FeaturePass => {
        const p = pending.find((q) => q.frame === f);
        return p ? featurePass(p) : false;
      };
      for await (const { frame, detections, features, networkMs } of detector.detectStream(queue, { withFeatures })) {
        answerDetect(pending.shift()!, frame, detections, features, networkMs);
      }
    } catch (err) {
      // A failed network pass ends this stream: later frames of this setting get the error.
      detectors.delete(key);
      queue.drain();
      for (const { id } of pending.splice(0)) fail(id, err);
    }
  })();
  detectors.set(key, { detector, queue, running, pending });
  return mapsOf(detector);
}

/** Per network that gathers frames: its policy and how many passes ran with each batch size. */
function batchStats(): Record<string, BatchStats> {
  const stats: Record<string, BatchStats> = {};
  for (const [model, b] of batchers) {
    stats[model] = { maxBatch: b.policy.maxBatch, maxWaitMs: b.policy.maxWaitMs, passesBySize: Object.fromEntries(b.passesBySize) };
  }
  return stats;
}

function faceEstimator(threads: number): Promise<FaceAttributeEstimator> {
  faces ??= FaceAttributeEstimator.create({ threads });
  faces.catch(() => (faces = undefined));
  return faces;
}

async function attributes(request: Extract<InferenceRequest, { type: 'attributes' }>): Promise<void> {
  const estimator = await faceEstimator(request.threads);
  let session = sessions.get(request.session);
  if (!session) {
    session = new TrackFaceAttributes(estimator);
    sessions.set(request.session, session);
  }
  const withFaces = await session.update(request.frameNumber, request.frame, Detections.fromMessage(request.detections));
  const values = (withFaces.data['attr:face'] ?? []) as ({ ageYears: number; gender: 'male' | 'female'; genderConfidence: number; observations: number } | null)[];
  const answer: AttributeAnswer = {
    id: request.id,
    ok: true,
    frame: request.frame,
    faces: values.map((v) =>
      v ? { ageYears: v.ageYears, gender: v.gender, genderConfidence: v.genderConfidence, observations: v.observations } : null,
    ),
  };
  reply(answer, [request.frame.data.buffer as ArrayBuffer]);
}

port.on('message', (request: InferenceRequest) => {
  switch (request.type) {
    case 'load-detector':
      loadDetector(request.key, request.options).then((maps) => reply({ id: request.id, ok: true, ...maps }), (err) => fail(request.id, err));
      return;
    case 'detect': {
      const entry = detectors.get(request.key);
      if (!entry) return fail(request.id, new Error(`detector ${request.key} is not loaded`));
      if (request.features === true && !entry.detector.hasFeatures) return fail(request.id, new Error(`detector ${request.key} has no shared feature map`));
      if (request.embed === true && !entry.detector.hasAppearanceMap) return fail(request.id, new Error(`detector ${request.key} has no feature map for the appearance cue`));
      if (entry.batcher) return detectBatched(entry.batcher, entry.detector as CenterNetDetector, request);
      entry.pending.push({ id: request.id, frame: request.frame, features: request.features === true, embed: request.embed === true });
      entry.queue.push(request.frame);
      return;
    }
    case 'load-attributes':
      faceEstimator(request.threads).then(() => reply({ id: request.id, ok: true }), (err) => fail(request.id, err));
      return;
    case 'attributes':
      attributeTail = attributeTail.then(() => attributes(request)).catch((err) => fail(request.id, err));
      return;
    case 'load-head':
      attributeTail = attributeTail.then(() => loadHead(request)).then(() => reply({ id: request.id, ok: true }), (err) => fail(request.id, err));
      return;
    case 'head-attributes':
      attributeTail = attributeTail.then(() => headAttributes(request)).catch((err) => fail(request.id, err));
      return;
    case 'end-session':
      sessions.delete(request.session);
      return;
    case 'backends':
      reply({ id: request.id, ok: true, backends: loadedModelBackends(), runs: modelRuns(), batches: batchStats() });
      return;
    case 'release':
      void (async () => {
        for (const { queue, running } of detectors.values()) {
          queue.close();
          await running;
        }
        for (const batcher of batchers.values()) await batcher.settled();
        batchers.clear();
        detectors.clear();
        keptFeatures.clear();
        for (const loading of networks.values()) await (await loading.catch(() => undefined))?.release();
        networks.clear();
        await (await faces?.catch(() => undefined))?.release();
        faces = undefined;
        reply({ id: request.id, ok: true });
      })();
      return;
  }
});
