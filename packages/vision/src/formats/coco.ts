// COCO object-detection JSON (images, categories, annotations with bbox [x, y, w, h] from the
// image's top-left corner, 0-based continuous pixel coordinates, the same frame as `Detections`).
import { Detections } from '../detections.ts';

export interface CocoImage {
  readonly id: number;
  readonly file_name: string;
  readonly width: number;
  readonly height: number;
}

export interface CocoCategory {
  readonly id: number;
  readonly name: string;
}

export interface CocoAnnotation {
  readonly id: number;
  readonly image_id: number;
  readonly category_id: number;
  readonly bbox: [number, number, number, number];
  readonly area: number;
  readonly iscrowd: 0 | 1;
  readonly score?: number;
  /** CVAT's extension: per-box attributes, including `track_id` for boxes of a track. */
  readonly attributes?: Record<string, unknown>;
}

export interface CocoDataset {
  readonly images: CocoImage[];
  readonly categories: CocoCategory[];
  readonly annotations: CocoAnnotation[];
  readonly info?: Record<string, unknown>;
}

/** A COCO document that does not hold what it must; the message names the field and the fix. */
export class CocoFormatError extends Error {
  override readonly name = 'CocoFormatError';
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Builds a COCO dataset. `classId` of each detection indexes `categories` (category id = index + 1);
 * a `data.attributes` column (objects) becomes each annotation's `attributes`; `trackerId` >= 0 is
 * written as `attributes.track_id`.
 * @example toCoco([{ id: 1, file_name: 'f.jpg', width: 64, height: 48 }], ['person'], new Map([[1, dets]]))
 */
export function toCoco(images: readonly CocoImage[], categories: readonly string[], detectionsByImage: ReadonlyMap<number, Detections>): CocoDataset {
  const annotations: CocoAnnotation[] = [];
  for (const image of images) {
    const d = detectionsByImage.get(image.id);
    if (!d) continue;
    const attrs = d.data.attributes as readonly (Record<string, unknown> | undefined)[] | undefined;
    for (let i = 0; i < d.length; i++) {
      const [x1, y1, x2, y2] = d.box(i);
      const w = round(x2 - x1);
      const h = round(y2 - y1);
      const attributes = { ...(attrs?.[i] ?? {}), ...(d.trackerId[i]! >= 0 ? { track_id: d.trackerId[i]! } : {}) };
      annotations.push({
        id: annotations.length + 1,
        image_id: image.id,
        category_id: d.classId[i]! + 1,
        bbox: [round(x1), round(y1), w, h],
        area: round(w * h),
        iscrowd: 0,
        ...(d.confidence[i]! < 1 ? { score: round(d.confidence[i]!) } : {}),
        ...(Object.keys(attributes).length ? { attributes } : {}),
      });
    }
  }
  return { images: [...images], categories: categories.map((name, i) => ({ id: i + 1, name })), annotations };
}

/**
 * Parses and checks a COCO detection document. Returns images, category names by id, and each
 * image's boxes as `Detections` whose `classId` is the COCO category id, `trackerId` the
 * `attributes.track_id` (or -1), with `data.attributes` holding the other attributes.
 * @example const { detectionsByImage } = fromCoco(JSON.parse(text));
 */
export function fromCoco(doc: unknown): { images: CocoImage[]; categories: Map<number, string>; detectionsByImage: Map<number, Detections> } {
  const d = doc as Partial<CocoDataset> | null;
  if (!d || typeof d !== 'object') throw new CocoFormatError('COCO file must be a JSON object with "images", "categories" and "annotations"');
  for (const key of ['images', 'categories', 'annotations'] as const) {
    if (!Array.isArray(d[key])) throw new CocoFormatError(`COCO file lacks the "${key}" array`);
  }
  const images = d.images!;
  images.forEach((im, i) => {
    if (!Number.isInteger(im?.id) || typeof im.file_name !== 'string') throw new CocoFormatError(`images[${i}] needs an integer "id" and a "file_name"`);
  });
  const categories = new Map<number, string>();
  d.categories!.forEach((c, i) => {
    if (!Number.isInteger(c?.id) || typeof c.name !== 'string') throw new CocoFormatError(`categories[${i}] needs an integer "id" and a "name"`);
    categories.set(c.id, c.name);
  });
  const imageIds = new Set(images.map((im) => im.id));
  const rows = new Map<number, { xyxy: [number, number, number, number]; confidence: number; classId: number; trackerId: number; attributes: Record<string, unknown> }[]>();
  d.annotations!.forEach((a, i) => {
    const b = a?.bbox;
    if (!Array.isArray(b) || b.length !== 4 || b.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new CocoFormatError(`annotations[${i}].bbox must be [x, y, width, height] numbers`);
    }
    if (b[2] < 0 || b[3] < 0) throw new CocoFormatError(`annotations[${i}].bbox has a negative width or height`);
    if (!imageIds.has(a.image_id)) throw new CocoFormatError(`annotations[${i}].image_id ${a.image_id} is not an image of the file`);
    if (!categories.has(a.category_id)) throw new CocoFormatError(`annotations[${i}].category_id ${a.category_id} is not a category of the file`);
    const { track_id: trackId, ...attributes } = (a.attributes ?? {}) as Record<string, unknown>;
    const list = rows.get(a.image_id) ?? [];
    list.push({
      xyxy: [b[0], b[1], b[0] + b[2], b[1] + b[3]],
      confidence: typeof a.score === 'number' ? a.score : 1,
      classId: a.category_id,
      trackerId: Number.isInteger(trackId) ? (trackId as number) : -1,
      attributes,
    });
    rows.set(a.image_id, list);
  });
  const detectionsByImage = new Map<number, Detections>();
  for (const [imageId, list] of rows) {
    detectionsByImage.set(imageId, Detections.fromRows(list, { attributes: list.map((r) => r.attributes) }));
  }
  return { images, categories, detectionsByImage };
}
