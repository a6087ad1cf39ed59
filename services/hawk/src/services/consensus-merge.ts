import type { HawkAttributeValues, HawkXyxy } from '@sightline/contracts';
import { boxIou } from '@sightline/vision';
import type { FrameBox } from './track-interpolation.ts';

export interface MergedBox {
  readonly label: string;
  readonly xyxy: HawkXyxy;
  readonly attributes: HawkAttributeValues;
  /** `<replica index>:<track id>` of the first replica that drew it as a track, else null. */
  readonly trackKey: string | null;
  /** How many replicas drew it. */
  readonly votes: number;
}

export interface ReplicaScore {
  /** Boxes of this replica in kept objects with the winning label. */
  matched: number;
  /** Boxes this replica drew. */
  drawn: number;
  /** Objects the merge kept. */
  kept: number;
}

/** The parts of one replica's agreement: boxes that joined kept objects, their classes and attribute values that won. */
export interface ReplicaParts {
  inKept: number;
  classWon: number;
  attributeValues: number;
  attributesWon: number;
}

/** One object (cluster of boxes of different replicas) of a frame, kept or dropped, for the merge report. */
export interface ClusterDetail {
  readonly members: readonly { readonly replica: number; readonly box: FrameBox }[];
  readonly kept: boolean;
  readonly needed: number;
  readonly label: string;
  readonly xyxy: HawkXyxy;
  readonly attributes: HawkAttributeValues;
}

/** What the merge report collects while merging (both filled in place). */
export interface MergeDetail {
  readonly parts: ReplicaParts[];
  readonly clusters: ClusterDetail[];
}

function majority<T>(values: readonly T[]): T {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  // Ties go to the value seen first (the lowest replica index), so results are deterministic.
  let best = values[0] as T;
  for (const [v, n] of counts) if (n > counts.get(best)!) best = v;
  return best;
}

/**
 * Merges one frame's boxes from several replicas, CVAT-style: boxes of different replicas whose IoU
 * reaches `minIou` are one object (greedy, best IoU first, one box per replica per object); objects
 * drawn by at least `quorum` x replicas survive; the label and each attribute are majority votes;
 * the box is the mean of the members carrying the winning label. `scores[r]` is updated in place.
 */
export function mergeFrame(replicas: readonly (readonly FrameBox[])[], minIou: number, quorum: number, scores: ReplicaScore[], detail?: MergeDetail): MergedBox[] {
  type Member = { replica: number; box: FrameBox };
  const clusters: Member[][] = [];
  replicas.forEach((boxes, r) => {
    const pairs: { b: number; c: number; v: number }[] = [];
    boxes.forEach((box, b) =>
      clusters.forEach((cluster, c) => {
        if (cluster.some((m) => m.replica === r)) return;
        const v = Math.max(...cluster.map((m) => boxIou(m.box.xyxy, 0, box.xyxy, 0)));
        if (v >= minIou) pairs.push({ b, c, v });
      }),
    );
    pairs.sort((x, y) => y.v - x.v);
    const usedBoxes = new Set<number>();
    const usedClusters = new Set<number>();
    for (const p of pairs) {
      if (usedBoxes.has(p.b) || usedClusters.has(p.c)) continue;
      usedBoxes.add(p.b);
      usedClusters.add(p.c);
      clusters[p.c]!.push({ replica: r, box: boxes[p.b]! });
    }
    boxes.forEach((box, b) => {
      if (!usedBoxes.has(b)) clusters.push([{ replica: r, box }]);
    });
  });
  const needed = Math.max(1, Math.ceil(quorum * replicas.length - 1e-9));
  replicas.forEach((boxes, r) => (scores[r]!.drawn += boxes.length));
  const merged: MergedBox[] = [];
  for (const cluster of clusters) {
    if (cluster.length < needed) {
      detail?.clusters.push({ members: cluster, kept: false, needed, label: cluster[0]!.box.label, xyxy: cluster[0]!.box.xyxy, attributes: cluster[0]!.box.attributes });
      continue;
    }
    const label = majority(cluster.map((m) => m.box.label));
    const voters = cluster.filter((m) => m.box.label === label);
    const xyxy = [0, 1, 2, 3].map((k) => voters.reduce((s, m) => s + m.box.xyxy[k]!, 0) / voters.length) as unknown as HawkXyxy;
    const attributes: HawkAttributeValues = {};
    const keys = new Set(voters.flatMap((m) => Object.keys(m.box.attributes)));
    for (const key of keys) {
      const values = voters.map((m) => m.box.attributes[key]).filter((v) => v !== undefined);
      attributes[key] = majority(values);
    }
    const tracked = cluster.find((m) => m.box.trackId !== null);
    merged.push({ label, xyxy, attributes, trackKey: tracked ? `${tracked.replica}:${tracked.box.trackId}` : null, votes: cluster.length });
    for (const m of voters) scores[m.replica]!.matched += 1;
    scores.forEach((s) => (s.kept += 1));
    if (detail) {
      detail.clusters.push({ members: cluster, kept: true, needed, label, xyxy, attributes });
      for (const m of cluster) {
        const part = detail.parts[m.replica]!;
        part.inKept += 1;
        if (m.box.label !== label) continue;
        part.classWon += 1;
        for (const [key, value] of Object.entries(m.box.attributes)) {
          part.attributeValues += 1;
          if (attributes[key] === value) part.attributesWon += 1;
        }
      }
    }
  }
  return merged;
}

/** Agreement of one replica with the merge: matched / (drawn + kept - matched), 1 when both are empty. */
export function agreementScore(s: ReplicaScore): number {
  const union = s.drawn + s.kept - s.matched;
  return union === 0 ? 1 : s.matched / union;
}
