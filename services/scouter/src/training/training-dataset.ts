// From Hawk's approved boxes to train/validation feature sets: boxes carrying the attribute,
// features pooled once per frame (buildFeatureCache), and a split by track or by video so one
// person's boxes never land on both sides.
import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainJobConfig } from '@sightline/contracts';
import type { FeatureCacheResult, FeatureSet, FrameBoxes } from '@sightline/models';
import { seededRandom, shuffleInPlace } from '@sightline/native';
import type { ApprovedBox, HawkLabelsClient, HawkProjectRef } from '../clients/hawk-labels.client.ts';
import { attributeLabels } from './attribute-labels.ts';

/** A training input problem (bad project, attribute, too few labels): a usage error, not a crash. */
export class TrainingInputError extends Error {
  override readonly name = 'TrainingInputError';
}

/** Every approved box of the project, grouped by frame, with the local copies of the frames. */
export interface ProjectLabels {
  project: HawkProjectRef;
  boxes: ApprovedBox[];
  frames: (FrameBoxes & { videoId: number; frame: number; boxIndex: number[] })[];
}

/**
 * Every approved box of the project (read through Hawk's API), grouped by frame, each frame fetched
 * from Hawk into a local file named by its content (see fetchFrame).
 */
export async function loadProjectLabels(hawk: HawkLabelsClient, projectRef: string | number, framesDir: string): Promise<ProjectLabels> {
  const project = await hawk.project(projectRef);
  if (!project) throw new TrainingInputError(`project: Hawk has no project ${JSON.stringify(projectRef)} that the Hawk API token's user may see`);
  const boxes: ApprovedBox[] = [];
  for (const v of await hawk.videos(project.id)) boxes.push(...(await hawk.approvedBoxes(v.id)));
  const byFrame = new Map<string, { videoId: number; frame: number; list: number[] }>();
  boxes.forEach((b, i) => {
    const key = `${b.videoId}:${b.frame}`;
    let f = byFrame.get(key);
    if (!f) byFrame.set(key, (f = { videoId: b.videoId, frame: b.frame, list: [] }));
    f.list.push(i);
  });
  const frames: ProjectLabels['frames'] = [];
  for (const { list, ...f } of byFrame.values()) {
    const imagePath = await fetchFrame(hawk, framesDir, f.videoId, f.frame);
    if (!imagePath) throw new TrainingInputError(`Hawk has no frame ${f.frame + 1} of video ${f.videoId} any more; queue the job again`);
    frames.push({ ...f, imagePath, boxIndex: list, boxesXyxy: Float32Array.from(list.flatMap((i) => boxes[i]!.xyxy)) });
  }
  return { project, boxes, frames };
}

/**
 * A Hawk frame as a local file named by the SHA-1 of its bytes (undefined when Hawk no longer has
 * it): the same picture keeps the same path and file, so its pooled features stay in the feature
 * cache across jobs, and a different picture (another Hawk, a video re-extracted) never reuses them.
 */
export async function fetchFrame(hawk: HawkLabelsClient, framesDir: string, videoId: number, frame: number): Promise<string | undefined> {
  const jpeg = await hawk.frameJpeg(videoId, frame);
  if (!jpeg) return undefined;
  const path = join(framesDir, `${createHash('sha1').update(jpeg).digest('hex')}.jpg`);
  if (await stat(path).then(() => true, () => false)) return path;
  await mkdir(framesDir, { recursive: true });
  // Written under a temporary name then renamed: a crash never leaves a half frame behind.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, jpeg);
  await rename(tmp, path);
  return path;
}

export interface SplitDataset {
  labels: string[];
  train: FeatureSet;
  validation: FeatureSet;
  classCounts: Record<string, number>;
}

/** Train/validation sets of one attribute from pooled features (per frame, box order of `frames`). */
export function splitDataset(data: ProjectLabels, features: FeatureCacheResult, job: TrainJobConfig): SplitDataset {
  const resolved = attributeLabels(data.project.labelSchema, job.attribute, job.classes);
  if (typeof resolved === 'string') throw new TrainingInputError(`attributes: ${resolved}`);
  const d = features.side * features.side * features.channels;
  const samples: { frameIdx: number; k: number; label: number; boxId: string; group: string }[] = [];
  data.frames.forEach((f, frameIdx) => {
    f.boxIndex.forEach((bi, k) => {
      const box = data.boxes[bi]!;
      if (!resolved.classes.includes(box.label) || !(job.attribute in box.attributes)) return;
      const label = resolved.labels.indexOf(String(box.attributes[job.attribute]));
      if (label < 0) return;
      const group = job.validation.by === 'video' ? `v${box.videoId}` : (box.trackId ?? box.boxId);
      samples.push({ frameIdx, k, label, boxId: box.boxId, group });
    });
  });
  if (samples.length < 4) throw new TrainingInputError(`attributes: only ${samples.length} approved boxes carry "${job.attribute}"; label and approve more in Hawk`);
  const groups = shuffleInPlace([...new Set(samples.map((s) => s.group))].sort(), seededRandom(job.seed));
  if (groups.length < 2) throw new TrainingInputError(`validation.by: every box is in one ${job.validation.by}; split by ${job.validation.by === 'video' ? 'track' : 'video'} or label more`);
  const size = new Map<string, number>();
  for (const s of samples) size.set(s.group, (size.get(s.group) ?? 0) + 1);
  const valGroups = new Set<string>();
  let valCount = 0;
  for (const g of groups) {
    if (valCount >= job.validation.fraction * samples.length || valGroups.size === groups.length - 1) break;
    valGroups.add(g);
    valCount += size.get(g)!;
  }
  const build = (list: typeof samples): FeatureSet => {
    const out = new Float32Array(list.length * d);
    list.forEach((s, i) => out.set(features.perFrame[s.frameIdx]!.subarray(s.k * d, (s.k + 1) * d), i * d));
    return { features: out, labels: Int32Array.from(list, (s) => s.label), boxIds: list.map((s) => s.boxId), d };
  };
  const train = samples.filter((s) => !valGroups.has(s.group));
  const validation = samples.filter((s) => valGroups.has(s.group));
  const classCounts = Object.fromEntries(resolved.labels.map((l, i) => [l, samples.filter((s) => s.label === i).length]));
  return { labels: resolved.labels, train: build(train), validation: build(validation), classCounts };
}

/** Head names are the attribute's, lower-cased, other characters as "_". */
export function headName(attribute: string): string {
  const name = attribute.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '').slice(0, 64);
  if (!name) throw new TrainingInputError(`attributes: "${attribute}" gives no usable head name (it needs a letter)`);
  return name;
}
