import { Detections, transferableFrame, type VideoFrame } from '@sightline/vision';
import { Worker } from 'node:worker_threads';
import type { ModelBackend } from '@sightline/models';
import type { AttributeAnswer, BackendsAnswer, BatchStats, DetectAnswer, LoadDetectorAnswer, FaceSummary, HeadAttributeAnswer, InferenceRequest, TrainedHeadSpec, WorkerReply } from './inference-protocol.ts';

type Pending = { resolve: (reply: WorkerReply & { ok: true }) => void; reject: (err: Error) => void };
type Unsent<T> = T extends { id: number } ? Omit<T, 'id'> : never;


/**
 * The process's one inference thread (inference.worker.ts) seen from the main thread: requests
 * carry the frame by transfer and the answer brings it back, so a frame is never copied and the
 * caller gets it back for the live preview. One thread per process: every camera's network pass
 * uses all inference threads of onnxruntime in turn, while the main thread keeps decoding.
 */
export class InferenceThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | undefined;

  constructor() {
    // The worker is TypeScript: it registers tsx itself, whichever way this process loaded it.
    const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./inference.worker.ts', import.meta.url).href)}); });`;
    this.worker = new Worker(code, { eval: true });
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply);
      else waiting.reject(new Error(reply.error));
    });
    const failAll = (err: Error) => {
      this.exited = err;
      for (const waiting of this.pending.values()) waiting.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', (err) => failAll(new Error(`the inference thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => failAll(new Error(`the inference thread exited (code ${code})`)));
  }

  private call<T extends WorkerReply & { ok: true }>(request: Unsent<InferenceRequest>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  /**
   * Loads (once per key) a detector in the thread: `model` is a registry id or a detector card's path.
   * Resolves with whether its passes can keep a feature map for trained heads.
   */
  async loadDetector(key: string, options: { model: string; scoreThreshold: number; threads: number; classIds?: number[] }): Promise<{ hasFeatures: boolean; hasAppearanceMap: boolean }> {
    const { hasFeatures, hasAppearanceMap } = await this.call<LoadDetectorAnswer>({ type: 'load-detector', key, options });
    return { hasFeatures, hasAppearanceMap };
  }

  /**
   * Detections of one frame; resolves with the frame's pixels handed back (`frame.data` is detached
   * meanwhile) and the milliseconds the network pass alone took. With `features`, the pass's feature
   * map stays in the thread for the frame's trained heads: `featureId` names it for headAttributes.
   * With `embed`, each box comes back with its appearance embedding (the `embedding` data column).
   */
  async detect(key: string, frame: VideoFrame, pass: { features?: boolean; embed?: boolean } = {}): Promise<{ detections: Detections; frame: VideoFrame; networkMs: number; featureId?: number }> {
    const sent = transferableFrame(frame);
    const answer = await this.call<DetectAnswer>({ type: 'detect', key, frame: sent.frame, ...(pass.features ? { features: true } : {}), ...(pass.embed ? { embed: true } : {}) }, sent.transfer);
    return {
      detections: Detections.fromMessage(answer.detections),
      frame: { ...frame, data: answer.frame.data },
      networkMs: answer.networkMs,
      ...(answer.featureId !== undefined ? { featureId: answer.featureId } : {}),
    };
  }

  async loadAttributes(threads: number): Promise<void> {
    await this.call({ type: 'load-attributes', threads });
  }

  /** Smoothed face attributes of each tracked box (per `session`, i.e. per pipeline run). */
  async attributes(session: string, threads: number, frameNumber: number, frame: VideoFrame, tracked: Detections): Promise<{ faces: (FaceSummary | null)[]; frame: VideoFrame }> {
    const sent = transferableFrame(frame);
    // The caller keeps using `tracked`: its arrays are cloned, not transferred. Data columns stay here.
    const { message } = tracked.toMessage();
    const answer = await this.call<AttributeAnswer>({ type: 'attributes', session, threads, frameNumber, frame: sent.frame, detections: { ...message, data: {} } }, sent.transfer);
    return { faces: answer.faces, frame: { ...frame, data: answer.frame.data } };
  }

  /** The engine of every network loaded in the thread so far. */
  async backends(): Promise<ModelBackend[]> {
    return (await this.call<BackendsAnswer>({ type: 'backends' })).backends;
  }

  /** Network passes per model run in the thread so far. */
  async runs(): Promise<Record<string, number>> {
    return (await this.call<BackendsAnswer>({ type: 'backends' })).runs;
  }

  /** The networks that gather frames of several cameras into one pass: policy and passes per batch size. */
  async batches(): Promise<Record<string, BatchStats>> {
    return (await this.call<BackendsAnswer>({ type: 'backends' })).batches;
  }

  /** Loads a trained head version in the thread; a newer version of the same name replaces the loaded one. */
  async loadHead(name: string, version: number, spec: TrainedHeadSpec, onnx: Uint8Array, threads: number): Promise<void> {
    await this.call({ type: 'load-head', name, version, spec, onnx, threads });
  }

  /**
   * Probabilities of the loaded trained heads `names` for each box of `tracked`, pooled from the
   * feature map the frame's detect pass kept (`featureId`; used once, then freed). No frame
   * travels and no second network pass runs.
   */
  async headAttributes(names: string[], featureId: number, tracked: Detections): Promise<HeadAttributeAnswer['heads']> {
    // The caller keeps using `tracked`: its arrays are cloned, not transferred. Data columns stay here.
    const { message } = tracked.toMessage();
    return (await this.call<HeadAttributeAnswer>({ type: 'head-attributes', names, featureId, detections: { ...message, data: {} } })).heads;
  }

  endSession(session: string): void {
    if (!this.exited) this.worker.postMessage({ type: 'end-session', id: 0, session } satisfies InferenceRequest);
  }

  /** Releases the models and ends the thread. */
  async close(): Promise<void> {
    if (!this.exited) await this.call({ type: 'release' }).catch(() => undefined);
    await this.worker.terminate();
  }
}
