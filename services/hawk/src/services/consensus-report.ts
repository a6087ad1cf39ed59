import type { HawkAttributeValues, HawkMergeObject } from '@sightline/contracts';
import { boxIou } from '@sightline/vision';
import { type ClusterDetail, type ReplicaParts } from './consensus-merge.ts';

const MAX_OBJECTS = 500;
const round = (v: number) => Math.round(v * 1000) / 1000;
const show = (v: HawkAttributeValues[string] | undefined) => (v === undefined ? 'unset' : JSON.stringify(v));

/**
 * The merge report: every object (cluster) that was dropped or on which the annotators disagreed,
 * with each member's box and a sentence per problem (frame numbers 1-based in the sentences), and how
 * many objects were unanimous. `names[r]` is replica r's annotator.
 */
export function mergeReport(frames: readonly { frame: number; clusters: readonly ClusterDetail[] }[], names: readonly { id: number; username: string }[], replicaCount: number, minIou: number): { objects: HawkMergeObject[]; unanimous: number } {
  const objects: HawkMergeObject[] = [];
  let unanimous = 0;
  for (const { frame, clusters } of frames) {
    for (const c of clusters) {
      const who = (r: number) => names[r]?.username ?? `replica ${r + 1}`;
      const labels = new Set(c.members.map((m) => m.box.label));
      const keys = new Set(c.members.flatMap((m) => Object.keys(m.box.attributes)));
      const attrProblems = [...keys]
        .filter((k) => new Set(c.members.map((m) => show(m.box.attributes[k]))).size > 1)
        .map((k) => `attribute ${k}: ${c.members.map((m) => `${who(m.replica)} ${show(m.box.attributes[k])}`).join(', ')}${c.kept ? ` → ${show(c.attributes[k])} by majority` : ''}`);
      const problems: string[] = [];
      if (!c.kept) {
        const drew = c.members.map((m) => who(m.replica)).join(', ');
        problems.push(`dropped: drawn by ${c.members.length} of ${replicaCount} annotators (${drew}); the quorum needs ${c.needed}, and no other annotator's box overlaps it at IoU ≥ ${minIou}`);
      }
      if (labels.size > 1) {
        const lost = c.members.filter((m) => m.box.label !== c.label).map((m) => who(m.replica));
        problems.push(`class: ${c.members.map((m) => `${who(m.replica)} "${m.box.label}"`).join(', ')}${c.kept ? ` → "${c.label}" by majority; ${lost.join(', ')} left out of the box mean` : ''}`);
      }
      problems.push(...attrProblems);
      const members = c.members.map((m) => ({
        annotatorId: names[m.replica]?.id ?? 0,
        username: who(m.replica),
        label: m.box.label,
        xyxy: m.box.xyxy,
        attributes: m.box.attributes,
        trackId: m.box.trackId,
        iou: round(boxIou(m.box.xyxy, 0, c.kept ? c.xyxy : c.members[0]!.box.xyxy, 0)),
      }));
      if (c.kept && members.length === replicaCount && problems.length === 0) {
        unanimous += 1;
        continue;
      }
      if (c.kept && problems.length === 0) {
        const missing = names.filter((_, r) => !c.members.some((m) => m.replica === r)).map((n) => n.username);
        problems.push(`kept with ${c.members.length} of ${replicaCount} annotators (quorum ${c.needed}); not drawn by ${missing.join(', ')} (or not overlapping at IoU ≥ ${minIou})`);
      }
      if (objects.length < MAX_OBJECTS) {
        objects.push({ frame, status: c.kept ? 'kept' : 'dropped', label: c.label, xyxy: c.xyxy, votes: c.members.length, needed: c.needed, members, classAgreed: labels.size === 1, attributesAgreed: attrProblems.length === 0, problems });
      }
    }
  }
  return { objects, unanimous };
}

/** An annotator's agreement parts as shares (1 when there was nothing to compare). */
export function agreementParts(p: ReplicaParts, drawn: number): { box: number; class: number; attributes: number } {
  return {
    box: round(drawn === 0 ? 1 : p.inKept / drawn),
    class: round(p.inKept === 0 ? 1 : p.classWon / p.inKept),
    attributes: round(p.attributeValues === 0 ? 1 : p.attributesWon / p.attributeValues),
  };
}
