import { HawkImportDocument, type HawkAnnotationSetInfo, type HawkBox, type HawkImportFormat, type HawkImportResult, type HawkLabelSchema, type HawkTrack, type HawkUser, type HawkXyxy } from '@sightline/contracts';
import { Value } from '@sinclair/typebox/value';
import { CocoFormatError, fromCoco, MotFormatError, motRowXyxy, parseMot } from '@sightline/vision';
import { badRequest } from '@sightline/server-kit';
import type { AnnotationService } from './annotation.service.ts';
import { trackFromSightings, type TrackSightings } from './track-building.ts';

interface Sighting {
  frame: number;
  label: string;
  xyxy: HawkXyxy;
  attributes: HawkBox['attributes'];
  trackKey: string | null;
}

/** Reads MOTChallenge, COCO and Hawk JSON files into an annotation set (one versioned save). */
export class ImportService {
  constructor(private readonly annotations: AnnotationService) {}

  /**
   * MOT rows: frame n -> Hawk frame n-1; column 8 as class = schema index + 1 when in range, else
   * `defaultLabel`; rows with id >= 0 become tracks, id -1 plain boxes.
   */
  fromMot(text: string, schema: HawkLabelSchema, defaultLabel: string | undefined): Sighting[] {
    let rows;
    try {
      rows = parseMot(text, 'upload');
    } catch (err) {
      if (err instanceof MotFormatError) throw badRequest(`Not a MOTChallenge file: ${err.message}`);
      throw err;
    }
    const fallback = defaultLabel ?? schema.classes[0]!.name;
    if (!schema.classes.some((c) => c.name === fallback)) throw badRequest(`label "${fallback}" is not a class of the project.`);
    return rows.map((r) => {
      const c = Number.isInteger(r.xOrClass) && r.xOrClass >= 1 && r.xOrClass <= schema.classes.length ? schema.classes[r.xOrClass - 1]!.name : fallback;
      return { frame: r.frame - 1, label: c, xyxy: motRowXyxy(r), attributes: {}, trackKey: r.id >= 0 ? `mot-${r.id}` : null };
    });
  }

  /** COCO: images named `<digits>.<ext>` map to frame digits-1; categories map to classes by name. */
  fromCoco(doc: unknown, schema: HawkLabelSchema): Sighting[] {
    let parsed;
    try {
      parsed = fromCoco(doc);
    } catch (err) {
      if (err instanceof CocoFormatError) throw badRequest(`Not a usable COCO file: ${err.message}`);
      throw err;
    }
    const classes = new Set(schema.classes.map((c) => c.name));
    const unknown = [...parsed.categories.values()].filter((n) => !classes.has(n));
    if (unknown.length) throw badRequest(`COCO categories ${unknown.map((n) => `"${n}"`).join(', ')} are not classes of the project; add them to the label schema first.`);
    const frameOf = new Map<number, number>();
    for (const im of parsed.images) {
      const m = /(\d+)\.[a-z]+$/i.exec(im.file_name);
      if (!m) throw badRequest(`COCO image "${im.file_name}" does not name a frame; Hawk expects file names like 000001.jpg (frame 1 = the first extracted frame).`);
      frameOf.set(im.id, Number(m[1]) - 1);
    }
    const out: Sighting[] = [];
    for (const [imageId, d] of parsed.detectionsByImage) {
      const attrs = d.data.attributes as Record<string, HawkBox['attributes'][string]>[];
      for (let i = 0; i < d.length; i++) {
        out.push({ frame: frameOf.get(imageId)!, label: parsed.categories.get(d.classId[i]!)!, xyxy: d.box(i), attributes: attrs[i] ?? {}, trackKey: d.trackerId[i]! >= 0 ? `coco-${d.trackerId[i]}` : null });
      }
    }
    return out;
  }

  /**
   * Hawk JSON (as `GET /videos/:id/export?format=hawk` writes it): frames as numbered there, boxes
   * with a `trackId` become tracks again. Checked against its schema first; the first problems are named.
   */
  fromHawk(doc: unknown): Sighting[] {
    if (!Value.Check(HawkImportDocument, doc)) {
      const problems = [...Value.Errors(HawkImportDocument, doc)].slice(0, 3).map((e) => `${e.path || '/'} ${e.message}`);
      throw badRequest(`Not a Hawk JSON file (format "hawk-annotations", version 1): ${problems.join('; ')}.`);
    }
    return doc.frames.flatMap((f) => f.boxes.map((b) => ({ frame: f.frame, label: b.label, xyxy: b.xyxy, attributes: b.attributes, trackKey: b.trackId === null ? null : `hawk-${b.trackId}` })));
  }

  /**
   * Reads an uploaded file of `format` (MOT text, COCO or Hawk JSON, as the body parser left it)
   * into sightings; a body of the wrong kind is a 400 saying which content type to send.
   */
  parse(format: HawkImportFormat, body: unknown, schema: HawkLabelSchema, defaultLabel: string | undefined): Sighting[] {
    if (format === 'mot') {
      if (typeof body !== 'string') throw badRequest('Send the MOTChallenge file as Content-Type: text/plain.');
      return this.fromMot(body, schema, defaultLabel);
    }
    if (typeof body !== 'object' || body === null) throw badRequest(`Send the ${format === 'coco' ? 'COCO' : 'Hawk JSON'} file as Content-Type: application/json.`);
    return format === 'coco' ? this.fromCoco(body, schema) : this.fromHawk(body);
  }

  /** Writes sightings to a set in one save (boxes of the touched frames are replaced). */
  async write(set: HawkAnnotationSetInfo, sightings: Sighting[], user: HawkUser, ctx: { schema: HawkLabelSchema; frameCount: number }): Promise<HawkImportResult> {
    const bad = sightings.find((s) => s.frame < 0 || s.frame >= ctx.frameCount);
    if (bad) throw badRequest(`The file has a box on frame ${bad.frame + 1}, but the video has ${ctx.frameCount} extracted frames; nothing was imported.`);
    const frames: Record<string, HawkBox[]> = {};
    const tracks = new Map<string, TrackSightings>();
    sightings.forEach((s, i) => {
      if (s.trackKey === null) {
        (frames[String(s.frame)] ??= []).push({ id: `imp${i}`, label: s.label, xyxy: s.xyxy, attributes: s.attributes });
        return;
      }
      const t = tracks.get(s.trackKey) ?? { label: s.label, attributes: s.attributes, at: new Map() };
      t.at.set(s.frame, s.xyxy);
      tracks.set(s.trackKey, t);
    });
    const trackList: HawkTrack[] = [...tracks].map(([key, t]) => trackFromSightings(key, t, ctx.frameCount - 1));
    const version = await this.annotations.save(set, { baseVersion: set.version, frames, tracks: trackList }, user, ctx);
    return { setId: set.id, version, boxes: sightings.length, frames: new Set(sightings.map((s) => s.frame)).size };
  }
}
