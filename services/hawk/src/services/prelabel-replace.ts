import { canonicalJson, type HawkBox, type HawkTrack } from '@sightline/contracts';
import type { SetPatch } from '../repositories/annotation.repository.ts';

/** What the model user last wrote for each model box and track id of a set, as canonical JSON. */
export interface ModelWrites {
  readonly boxes: Map<string, string>;
  readonly tracks: Map<string, string>;
}

const isModelId = (id: string) => id.startsWith('model-');
const trackContent = (t: HawkTrack) => canonicalJson({ label: t.label, attributes: t.attributes, keyframes: t.keyframes });

/** Folds the model user's saves (oldest first) into the last content it wrote per id. */
export function modelWrites(patches: readonly Pick<SetPatch, 'frames' | 'tracks'>[]): ModelWrites {
  const boxes = new Map<string, string>();
  const tracks = new Map<string, string>();
  for (const patch of patches) {
    for (const list of Object.values(patch.frames)) for (const b of list) if (isModelId(b.id)) boxes.set(b.id, canonicalJson(b));
    for (const t of patch.tracks) if (isModelId(t.id)) tracks.set(t.id, trackContent(t));
  }
  return { boxes, tracks };
}

export interface ModelWork {
  /** Plain boxes of the range still exactly as the model wrote them. */
  readonly boxIds: ReadonlySet<string>;
  /** Tracks seen only inside the range and still exactly as the model wrote them. */
  readonly trackIds: readonly string[];
}

/**
 * The earlier model output that a replacing run over `from..to` removes: boxes and tracks that the
 * model user wrote and nobody changed since. A box a person moved, relabelled or gave other
 * attributes counts as theirs and stays, as does every box a person drew; a model track that is
 * visible outside the range stays too (the new run only sees the range).
 */
export function unchangedModelWork(frames: Record<string, HawkBox[]>, tracks: readonly HawkTrack[], writes: ModelWrites, from: number, to: number): ModelWork {
  const boxIds = new Set<string>();
  for (const [frame, list] of Object.entries(frames)) {
    const f = Number(frame);
    if (f < from || f > to) continue;
    for (const b of list) if (isModelId(b.id) && writes.boxes.get(b.id) === canonicalJson(b)) boxIds.add(b.id);
  }
  const trackIds = tracks
    .filter((t) => isModelId(t.id) && writes.tracks.get(t.id) === trackContent(t))
    .filter((t) => t.keyframes.every((k) => k.outside || (k.frame >= from && k.frame <= to)))
    .map((t) => t.id);
  return { boxIds, trackIds };
}
