// The inference thread: every network of this process (CenterNet, BlazeFace + AgeGenderNet) runs
// here, so letterboxing, output decoding, NMS and face crops never block the main event loop that
// reads ffmpeg pipes, writes PostgreSQL and serves socket.io. Frames arrive as transferred buffers
// and go back with the answer (zero copies). Detection requests of one detector setting feed
// CenterNet's detectStream, which letterboxes the next frame while the network runs the current.
import { AttributeHead, CenterNetDetector, FaceAttributeEstimator, loadedModelBackends, TrackFaceAttributes } from '@sightline/models';
import { Detections, type Frame } from '@sightline/vision';
import { parentPort } from 'node:worker_threads';
import type { AttributeAnswer, DetectAnswer, HeadAttributeAnswer, InferenceRequest, WorkerReply } from './inference-protocol.ts';

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

// `pending` holds the request ids of the queued frames in queue order: detectStream answers in order.
const detectors = new Map<string, { detector: CenterNetDetector; queue: FrameQueue; running: Promise<void>; pending: number[] }>();
let faces: Promise<FaceAttributeEstimator> | undefined;
const sessions = new Map<string, TrackFaceAttributes>();
// Attribute work is serialised: one face network pass at a time, in arrival order.
let attributeTail: Promise<void> = Promise.resolve();

// Trained heads by name (the deployed version; a new version replaces the old one between frames),
// and the shared-feature detector they pool from.
const trainedHeads = new Map<string, { version: number; head: AttributeHead }>();
let multitask: Promise<CenterNetDetector> | undefined;

async function loadHead(request: Extract<InferenceRequest, { type: 'load-head' }>): Promise<void> {
  const current = trainedHeads.get(request.name);
  if (current?.version === request.version) return;
  const head = await AttributeHead.fromModel(request.spec, request.onnx, { threads: 1 });
  trainedHeads.set(request.name, { version: request.version, head });
  // Attribute work is serialised on attributeTail, so no pass is using the old head now.
  await current?.head.release();
}

async function headAttributes(request: Extract<InferenceRequest, { type: 'head-attributes' }>): Promise<void> {
  const answer: HeadAttributeAnswer = { id: request.id, ok: true, rgb: request.rgb, heads: {} };
  const wanted = request.names.map((n) => [n, trainedHeads.get(n)] as const).filter((e): e is readonly [string, { version: number; head: AttributeHead }] => e[1] !== undefined);
  if (wanted.length > 0 && request.xyxy.length > 0) {
    multitask ??= CenterNetDetector.create({ model: 'centernet-multitask', threads: request.threads });
    multitask.catch(() => (multitask = undefined));
    const { features, mapping } = await (await multitask).detectWithFeatures({ data: request.rgb, width: request.width, height: request.height, format: 'rgb24' });
    const boxes = new Detections({ xyxy: request.xyxy, confidence: new Float32Array(request.xyxy.length / 4).fill(1), classId: new Int32Array(request.xyxy.length / 4) });
    for (const [name, { version, head }] of wanted) {
      const out = await head.apply(features, boxes, mapping);
      const values = out.data[`attr:${name}`] as { probabilities: number[] }[];
      answer.heads[name] = { version, labels: head.spec.labels, probabilities: Float32Array.from(values.flatMap((v) => v.probabilities)) };
    }
  }
  reply(answer, [request.rgb.buffer as ArrayBuffer]);
}

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function fail(id: number, err: unknown): void {
  reply({ id, ok: false, error: (err as Error).message ?? String(err) });
}

// One network per model for the whole process; each filter setting (classes, score) is a view on
// it with its own stream, so a pre-labeling job beside the cameras loads no second copy.
const networks = new Map<string, Promise<CenterNetDetector>>();

function network(model: 'centernet', threads: number): Promise<CenterNetDetector> {
  let loading = networks.get(model);
  if (!loading) {
    loading = CenterNetDetector.create({ model, threads, scoreThreshold: 0 });
    loading.catch(() => networks.delete(model));
    networks.set(model, loading);
  }
  return loading;
}

async function loadDetector(key: string, options: { scoreThreshold: number; threads: number; classIds?: number[] }): Promise<void> {
  if (detectors.has(key)) return;
  const base = await network('centernet', options.threads);
  if (detectors.has(key)) return;
  const detector = base.withFilters({ scoreThreshold: options.scoreThreshold, ...(options.classIds ? { classIds: options.classIds } : {}) });
  const queue = new FrameQueue();
  const pending: number[] = [];
  const running = (async () => {
    try {
      for await (const { frame, detections, networkMs } of detector.detectStream(queue)) {
        const { message, transfer } = detections.toMessage();
        const answer: DetectAnswer = { id: pending.shift()!, ok: true, frame, detections: message, networkMs };
        reply(answer, [frame.data.buffer as ArrayBuffer, ...transfer]);
      }
    } catch (err) {
      // A failed network pass ends this stream: later frames of this setting get the error.
      detectors.delete(key);
      queue.drain();
      for (const id of pending.splice(0)) fail(id, err);
    }
  })();
  detectors.set(key, { detector, queue, running, pending });
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
      loadDetector(request.key, request.options).then(() => reply({ id: request.id, ok: true }), (err) => fail(request.id, err));
      return;
    case 'detect': {
      const entry = detectors.get(request.key);
      if (!entry) return fail(request.id, new Error(`detector ${request.key} is not loaded`));
      entry.pending.push(request.id);
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
      reply({ id: request.id, ok: true, backends: loadedModelBackends() });
      return;
    case 'release':
      void (async () => {
        for (const { queue, running } of detectors.values()) {
          queue.close();
          await running;
        }
        detectors.clear();
        for (const loading of networks.values()) await (await loading.catch(() => undefined))?.release();
        networks.clear();
        await (await faces?.catch(() => undefined))?.release();
        faces = undefined;
        reply({ id: request.id, ok: true });
      })();
      return;
  }
});
