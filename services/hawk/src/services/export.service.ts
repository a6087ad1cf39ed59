import type { HawkExportDocument, HawkExportFormat, HawkLabelSchema, HawkProject, HawkReview } from '@sightline/contracts';
import { frameFileName } from '@sightline/media';
import { Detections, detectionsToMotRows, formatMot, toCoco, toYoloLabels, type CocoDataset, type MotRow } from '@sightline/vision';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { conflict } from '@sightline/server-kit';
import { zipStream, type ZipEntry } from '../lib/zip-stream.ts';
import type { AnnotationRepository } from '../repositories/annotation.repository.ts';
import type { VideoRow } from '../repositories/video.repository.ts';
import type { ReviewService } from './review.service.ts';
import type { VideoService } from './video.service.ts';
import { expandFrames, type FrameBox } from './track-interpolation.ts';

/**
 * For each frame, the set whose labels are approved there: reviews apply in order, so the latest
 * decision covering a frame wins (approved -> that set, rejected -> nothing).
 */
export function approvedSources(reviews: readonly HawkReview[], frameCount: number): (number | null)[] {
  const source: (number | null)[] = new Array(frameCount).fill(null);
  for (const r of reviews) {
    for (let f = r.frameFrom; f <= Math.min(r.frameTo, frameCount - 1); f++) source[f] = r.decision === 'approved' ? r.setId : null;
  }
  return source;
}

export interface ApprovedFrames {
  readonly frames: { frame: number; boxes: FrameBox[] }[];
}

/** A download: the route sends `body` (JSON for an object) with these headers. */
export interface ExportFile {
  readonly fileName: string;
  /** Left out for JSON documents (fastify's own application/json). */
  readonly contentType?: string;
  readonly body: Readable | string | object;
}

/** Only approved labels leave Hawk: Hawk JSON, COCO, MOTChallenge and YOLO. */
export class ExportService {
  constructor(
    private readonly annotations: AnnotationRepository,
    private readonly reviews: Pick<ReviewService, 'list'>,
    private readonly frames: Pick<VideoService, 'framesDir'>,
  ) {}

  /** Approved frames (in order) with their boxes, tracks expanded. */
  async approved(video: VideoRow, reviews: readonly HawkReview[]): Promise<ApprovedFrames> {
    const sources = approvedSources(reviews, video.frameCount);
    const setIds = [...new Set(sources.filter((s): s is number => s !== null))];
    if (setIds.length === 0) throw conflict(`Video ${video.id} has no approved frames yet; a reviewer approves a frame range first (POST /sets/:id/reviews).`);
    const last = video.frameCount - 1;
    const bySet = new Map<number, Map<number, FrameBox[]>>();
    for (const id of setIds) bySet.set(id, expandFrames(await this.annotations.frames(id, 0, last), await this.annotations.tracks(id, 0, last), 0, last));
    const frames: ApprovedFrames['frames'] = [];
    sources.forEach((setId, frame) => {
      if (setId !== null) frames.push({ frame, boxes: bySet.get(setId)!.get(frame) ?? [] });
    });
    return { frames };
  }

  hawk(video: VideoRow, schema: HawkLabelSchema, data: ApprovedFrames): HawkExportDocument {
    return {
      format: 'hawk-annotations',
      version: 1,
      video: { id: video.id, fileName: video.fileName, width: video.width ?? 0, height: video.height ?? 0, fps: video.fps ?? 0, frameStep: video.frameStep, frameCount: video.frameCount },
      classes: schema.classes.map((c) => c.name),
      frames: data.frames.map(({ frame, boxes }) => ({
        frame,
        sourceFrame: frame * video.frameStep,
        boxes: boxes.map((b) => ({ label: b.label, xyxy: b.xyxy, attributes: b.attributes, trackId: b.trackId })),
      })),
    };
  }

  /** Per frame `Detections` (classId = class index in the schema, trackerId = numbered tracks or -1). */
  private detections(schema: HawkLabelSchema, data: ApprovedFrames): { frame: number; detections: Detections }[] {
    const classIndex = new Map(schema.classes.map((c, i) => [c.name, i]));
    const trackNumbers = new Map<string, number>();
    return data.frames.map(({ frame, boxes }) => {
      const rows = boxes.map((b) => {
        let trackerId = -1;
        if (b.trackId !== null) {
          if (!trackNumbers.has(b.trackId)) trackNumbers.set(b.trackId, trackNumbers.size + 1);
          trackerId = trackNumbers.get(b.trackId)!;
        }
        return { xyxy: b.xyxy, confidence: b.score ?? 1, classId: classIndex.get(b.label) ?? 0, trackerId };
      });
      return { frame, detections: Detections.fromRows(rows, { attributes: boxes.map((b) => b.attributes) }) };
    });
  }

  /** COCO: one image per approved frame (`000001.jpg` = frame 0), category id = class index + 1. */
  coco(video: VideoRow, schema: HawkLabelSchema, data: ApprovedFrames): CocoDataset {
    const perFrame = this.detections(schema, data);
    const images = perFrame.map(({ frame }) => ({ id: frame + 1, file_name: frameFileName(frame), width: video.width ?? 0, height: video.height ?? 0 }));
    const dataset = toCoco(images, schema.classes.map((c) => c.name), new Map(perFrame.map(({ frame, detections }) => [frame + 1, detections])));
    return { ...dataset, info: { description: `Hawk export of video ${video.id} (${video.fileName})`, frame_step: video.frameStep } };
  }

  /**
   * MOTChallenge ground-truth layout: frame (1-based extracted frame), id, x, y, w, h, 1, class
   * (schema index + 1), visibility 1. Boxes outside tracks get ids after the last track's.
   */
  mot(schema: HawkLabelSchema, data: ApprovedFrames): string {
    const perFrame = this.detections(schema, data);
    let nextId = Math.max(0, ...perFrame.flatMap(({ detections }) => Array.from(detections.trackerId))) + 1;
    const rows: MotRow[] = [];
    for (const { frame, detections } of perFrame) {
      const ids = Int32Array.from(detections.trackerId, (id) => (id >= 0 ? id : nextId++));
      detectionsToMotRows(frame + 1, detections.withTrackerIds(ids)).forEach((row, i) => rows.push({ ...row, conf: 1, xOrClass: detections.classId[i]! + 1, yOrVisibility: 1 }));
    }
    return formatMot(rows);
  }

  /**
   * YOLO (Ultralytics layout): `labels/000001.txt` per approved frame (`class cx cy w h`, normalised),
   * `classes.txt`, and `data.yaml` naming the classes; frame images are `images/000001.jpg`, served
   * by GET /videos/:id/frames/:index (frame index = file number - 1), or in the ZIP with `images=true`.
   */
  yolo(video: VideoRow, schema: HawkLabelSchema, data: ApprovedFrames): ZipEntry[] {
    const names = schema.classes.map((c) => c.name);
    const entries: ZipEntry[] = [
      { name: 'data.yaml', data: `# Hawk export of video ${video.id} (${video.fileName}), ${data.frames.length} approved frames\npath: .\ntrain: images\nval: images\nnc: ${names.length}\nnames: [${names.map((n) => JSON.stringify(n)).join(', ')}]\n` },
      { name: 'classes.txt', data: names.join('\n') + '\n' },
    ];
    for (const { frame, detections } of this.detections(schema, data)) {
      entries.push({ name: `labels/${frameFileName(frame).replace('.jpg', '.txt')}`, data: toYoloLabels(detections, [video.width ?? 1, video.height ?? 1]) });
    }
    return entries;
  }

  /**
   * `images/000001.jpg`... of the approved frames, as paths of the extracted frames: the ZIP reads
   * each when its turn comes, so a long video never sits in memory.
   */
  images(framesDir: string, data: ApprovedFrames): ZipEntry[] {
    return data.frames.map(({ frame }) => ({ name: `images/${frameFileName(frame)}`, path: join(framesDir, frameFileName(frame)) }));
  }

  /**
   * The download of `format` for a video's approved labels: its file name, content type and body
   * (a JSON document, MOT text, or a streamed ZIP). `images` adds the frame images to COCO and
   * YOLO, as a ZIP.
   */
  async file(video: VideoRow, project: HawkProject, format: HawkExportFormat, images: boolean): Promise<ExportFile> {
    const data = await this.approved(video, await this.reviews.list(video.id));
    const base = `video-${video.id}`;
    const schema = project.labelSchema;
    const frames = () => (images ? this.images(this.frames.framesDir(video.id), data) : []);
    switch (format) {
      case 'hawk':
        return { fileName: `${base}.hawk.json`, body: this.hawk(video, schema, data) };
      case 'coco':
        if (!images) return { fileName: `${base}.coco.json`, body: this.coco(video, schema, data) };
        return { fileName: `${base}.coco.zip`, contentType: 'application/zip', body: zipStream([{ name: 'annotations.json', data: JSON.stringify(this.coco(video, schema, data)) }, ...frames()]) };
      case 'mot':
        return { fileName: `${base}.gt.txt`, contentType: 'text/plain; charset=utf-8', body: this.mot(schema, data) };
      case 'yolo':
        return { fileName: `${base}.yolo.zip`, contentType: 'application/zip', body: zipStream([...this.yolo(video, schema, data), ...frames()]) };
    }
  }
}
