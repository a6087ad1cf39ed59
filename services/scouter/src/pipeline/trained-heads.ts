// Trained attribute heads in live pipelines: the deployed version of each head a pipeline asks
// for is loaded into the inference thread, and when a deployment changes (NOTIFY scouter_heads:
// deploy or rollback) the new version replaces the old one in running pipelines without a restart.
// Heads pool from the feature map of the frame's own detector pass (kept in the inference thread),
// so they add no network pass. Per track, a head's value is the running mean of its probabilities
// (reset when the version changes); a frame whose map was not kept (dropped from the thread's
// bound) shows each track's mean so far.
import type { AttributeValue } from '@sightline/contracts';
import type { InferenceThread } from './inference-thread.ts';
import type { TrainedHeadSpec } from './inference-protocol.ts';
import type { VideoFrame } from '@sightline/vision';
import type { AttributeEstimator } from './stages.ts';

/** Where deployed versions come from (TrainingRepository.deployed). */
export interface DeployedHeadSource {
  deployed(names?: readonly string[]): Promise<{ name: string; version: number; spec: object; onnx: Uint8Array }[]>;
}

export class TrainedHeads {
  /** Versions loaded in the inference thread, by name. */
  private readonly loaded = new Map<string, number>();

  constructor(
    private readonly source: DeployedHeadSource,
    private readonly thread: () => InferenceThread,
    private readonly threads: number,
  ) {}

  /** Loads the deployed version of every name; throws naming the heads that have none. */
  async ensure(names: readonly string[]): Promise<void> {
    const rows = await this.source.deployed(names);
    const missing = names.filter((n) => !rows.some((r) => r.name === n));
    if (missing.length) throw new Error(`attribute head${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not deployed (train one with \`sightline train\`, then \`sightline train --deploy <name>@<version>\`)`);
    for (const r of rows) await this.load(r);
  }

  /** Loads the deployed version of every head already in use (called when a deployment changes). */
  async refresh(): Promise<void> {
    if (this.loaded.size === 0) return;
    for (const r of await this.source.deployed([...this.loaded.keys()])) await this.load(r);
  }

  private async load(r: { name: string; version: number; spec: object; onnx: Uint8Array }): Promise<void> {
    if (this.loaded.get(r.name) === r.version) return;
    await this.thread().loadHead(r.name, r.version, r.spec as TrainedHeadSpec, new Uint8Array(r.onnx), this.threads);
    this.loaded.set(r.name, r.version);
  }

  /**
   * An estimator adding one column per head: `{ value: label, confidence: mean probability }` per
   * tracked box. `featureIdOf(frame)` names the feature map the frame's detector pass kept.
   */
  estimator(names: readonly string[], featureIdOf: (frame: VideoFrame) => number | undefined): AttributeEstimator {
    const tracks = new Map<string, { version: number; labels: string[]; sum: Float64Array; n: number }>();
    return {
      estimate: async (frame, detections) => {
        const featureId = featureIdOf(frame);
        const heads = featureId === undefined ? {} : await this.thread().headAttributes([...names], featureId, detections);
        let out = detections;
        for (const name of names) {
          const h = heads[name];
          const values: (AttributeValue | undefined)[] = [];
          for (let i = 0; i < detections.length; i++) {
            const trackId = detections.trackerId[i] ?? -1;
            const key = `${name}:${trackId}`;
            let labels: string[];
            let mean: ArrayLike<number>;
            if (h) {
              labels = h.labels;
              const k = labels.length;
              const p = h.probabilities.subarray(i * k, (i + 1) * k);
              mean = p;
              if (trackId >= 0) {
                let s = tracks.get(key);
                if (!s || s.version !== h.version || s.sum.length !== k) tracks.set(key, (s = { version: h.version, labels, sum: new Float64Array(k), n: 0 }));
                for (let j = 0; j < k; j++) s.sum[j]! += p[j]!;
                s.n++;
                mean = Array.from(s.sum, (v) => v / s!.n);
              }
            } else {
              // No values this frame: the track's mean so far, if any.
              const s = trackId >= 0 ? tracks.get(key) : undefined;
              if (!s) {
                values.push(undefined);
                continue;
              }
              labels = s.labels;
              mean = Array.from(s.sum, (v) => v / s.n);
            }
            let best = 0;
            for (let j = 1; j < labels.length; j++) if (mean[j]! > mean[best]!) best = j;
            values.push({ value: labels[best]!, confidence: Math.round(mean[best]! * 1000) / 1000 });
          }
          out = out.withData(name, values);
        }
        return { detections: out, frame };
      },
      release: () => tracks.clear(),
    };
  }
}
