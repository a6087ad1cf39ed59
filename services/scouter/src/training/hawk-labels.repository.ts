// Hawk's approved labels, read by Scouter for training (services share tables, never code). The
// rules are Hawk's export rules: per frame the latest review covering it decides (approved -> that
// set's labels, rejected -> none), and tracks count on every frame between their keyframes with
// the box interpolated linearly (services/hawk export.service.ts approvedSources and
// track-interpolation.ts; keep the two in step).
import { trackBoxAt, type HawkAttributeSpec, type HawkBox, type HawkKeyframe, type HawkLabelSchema } from '@sightline/contracts';
import type pg from 'pg';

export interface HawkProjectRef {
  id: number;
  name: string;
  labelSchema: HawkLabelSchema;
}

/** One approved box with its attribute values; `group` is its track (or itself) for the split. */
export interface ApprovedBox {
  /** "video:frame:box" (a track's box is "<track>@<frame>"). */
  boxId: string;
  videoId: number;
  frame: number;
  label: string;
  xyxy: [number, number, number, number];
  attributes: Record<string, string | number | boolean>;
  trackId: string | null;
}

interface ReviewRow {
  set_id: number;
  frame_from: number;
  frame_to: number;
  decision: 'approved' | 'rejected';
}

export class HawkLabelsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async project(ref: string | number): Promise<HawkProjectRef | undefined> {
    const { rows } = await this.pool.query<HawkProjectRef>(
      `SELECT id, name, label_schema AS "labelSchema" FROM hawk_projects WHERE ${typeof ref === 'number' ? 'id = $1' : 'name = $1'}`,
      [ref],
    );
    return rows[0];
  }

  /** Videos of the project whose frames are extracted. */
  async videos(projectId: number): Promise<{ id: number; frameCount: number }[]> {
    const { rows } = await this.pool.query<{ id: number; frameCount: number }>(
      `SELECT id, frame_count AS "frameCount" FROM hawk_videos WHERE project_id = $1 AND status = 'ready' ORDER BY id`,
      [projectId],
    );
    return rows;
  }

  /** Every approved box of a video, frames in order. */
  async approvedBoxes(videoId: number, frameCount: number): Promise<ApprovedBox[]> {
    const { rows: reviews } = await this.pool.query<ReviewRow>(
      `SELECT r.set_id, r.frame_from, r.frame_to, r.decision FROM hawk_reviews r JOIN hawk_annotation_sets s ON s.id = r.set_id
       WHERE s.video_id = $1 ORDER BY r.id`,
      [videoId],
    );
    const source: (number | null)[] = new Array(frameCount).fill(null);
    for (const r of reviews) for (let f = r.frame_from; f <= Math.min(r.frame_to, frameCount - 1); f++) source[f] = r.decision === 'approved' ? r.set_id : null;
    const setIds = [...new Set(source.filter((s): s is number => s !== null))];
    if (setIds.length === 0) return [];
    const { rows: frames } = await this.pool.query<{ set_id: number; frame_index: number; boxes: HawkBox[] }>(
      'SELECT set_id, frame_index, boxes FROM hawk_frame_boxes WHERE set_id = ANY($1::int[]) ORDER BY frame_index',
      [setIds],
    );
    const { rows: tracks } = await this.pool.query<{ set_id: number; id: string; label: string; attributes: ApprovedBox['attributes']; keyframes: HawkKeyframe[] }>(
      'SELECT set_id, track_id AS id, label, attributes, keyframes FROM hawk_tracks WHERE set_id = ANY($1::int[]) ORDER BY track_id',
      [setIds],
    );
    const out: ApprovedBox[] = [];
    for (const f of frames) {
      if (source[f.frame_index] !== f.set_id) continue;
      for (const b of f.boxes) out.push({ boxId: `${videoId}:${f.frame_index}:${b.id}`, videoId, frame: f.frame_index, label: b.label, xyxy: [...b.xyxy], attributes: b.attributes, trackId: null });
    }
    for (const t of tracks) {
      const kfs = [...t.keyframes].sort((a, b) => a.frame - b.frame);
      for (let f = kfs[0]!.frame; f < frameCount; f++) {
        if (source[f] !== t.set_id) continue;
        const xyxy = trackBoxAt(kfs, f);
        if (xyxy) out.push({ boxId: `${videoId}:${f}:${t.id}@${f}`, videoId, frame: f, label: t.label, xyxy, attributes: t.attributes, trackId: `${videoId}:${t.id}` });
      }
    }
    return out.sort((a, b) => a.frame - b.frame);
  }
}

/** The labels an attribute can take, in schema order: select options, or false/true for a checkbox. */
export function attributeLabels(schema: HawkLabelSchema, attribute: string, classes?: readonly string[]): { labels: string[]; classes: string[] } | string {
  const specs: HawkAttributeSpec[] = [];
  const withIt: string[] = [];
  for (const c of schema.classes) {
    if (classes && !classes.includes(c.name)) continue;
    const spec = c.attributes.find((a) => a.name === attribute);
    if (spec) {
      specs.push(spec);
      withIt.push(c.name);
    }
  }
  if (specs.length === 0) {
    const known = [...new Set(schema.classes.flatMap((c) => c.attributes.map((a) => a.name)))];
    return `the label schema has no attribute "${attribute}"${classes ? ` on classes ${classes.join(', ')}` : ''} (it has: ${known.join(', ') || 'none'})`;
  }
  const first = specs[0]!;
  if (first.type === 'checkbox') return { labels: ['false', 'true'], classes: withIt };
  if (first.type !== 'select') return `attribute "${attribute}" is a ${first.type} attribute; heads learn select and checkbox attributes`;
  const labels = [...new Set(specs.flatMap((s) => (s.type === 'select' ? s.options : [])))];
  return { labels, classes: withIt };
}
