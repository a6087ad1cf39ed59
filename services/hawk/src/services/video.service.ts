import type { HawkCreateVideoBody, HawkExtractionEvent, HawkVideo } from '@sightline/contracts';
import { extractFrames, frameFileName, probeVideo, ProbeError } from '@sightline/media';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badRequest, conflict, HttpError, notFound } from '@sightline/server-kit';
import type { VideoRepository, VideoRow } from '../repositories/video.repository.ts';

export interface VideoServiceOptions {
  readonly mediaDir: string;
  readonly maxUploadBytes: number;
  /** Uploads with no chunk for this long are removed by {@link VideoService.sweepStaleUploads}. */
  readonly staleUploadSeconds: number;
  readonly emit: (event: HawkExtractionEvent) => void;
  readonly log: { warn(msg: string): void; error(msg: string): void };
}

/** Uploads (chunked, restartable), ffprobe validation, frame extraction and frame files. */
export class VideoService {
  private readonly extractions = new Map<number, Promise<void>>();
  /** Videos with a chunk streaming in now: the sweep never removes them mid-write. */
  private readonly receiving = new Set<number>();

  constructor(
    private readonly videos: VideoRepository,
    private readonly options: VideoServiceOptions,
  ) {}

  private dir(videoId: number): string {
    return join(this.options.mediaDir, 'videos', String(videoId));
  }

  private sourcePath(videoId: number): string {
    return join(this.dir(videoId), 'source');
  }

  async create(projectId: number, body: HawkCreateVideoBody, userId: number): Promise<VideoRow> {
    if (body.sizeBytes > this.options.maxUploadBytes) {
      throw new HttpError(413, `The video is ${body.sizeBytes} bytes; this Hawk accepts at most ${this.options.maxUploadBytes} (HAWK_MAX_UPLOAD_BYTES). Cut or re-encode it.`);
    }
    const video = await this.videos.create(projectId, body.fileName, body.sizeBytes, body.frameStep, userId);
    mkdirSync(this.dir(video.id), { recursive: true });
    return video;
  }

  listByProject(projectId: number): Promise<VideoRow[]> {
    return this.videos.listByProject(projectId);
  }

  async get(id: number): Promise<VideoRow> {
    const video = await this.videos.get(id);
    if (!video) throw notFound(`Video ${id} does not exist.`);
    return video;
  }

  /**
   * Appends one chunk at `offset`, streaming it to disk. The offset must equal the bytes already
   * received (after a broken connection, ask GET /videos/:id for `receivedBytes` and continue from
   * there). When the last byte arrives the file is probed: a non-video is deleted with every trace
   * of it and answered 422; a video starts extracting in the background.
   */
  async appendChunk(id: number, offset: number, body: Readable): Promise<VideoRow> {
    const video = await this.get(id);
    if (video.status !== 'uploading') throw conflict(`Video ${id} is already uploaded (status ${video.status}).`);
    const path = this.sourcePath(id);
    const onDisk = existsSync(path) ? statSync(path).size : 0;
    if (offset !== onDisk) {
      body.resume();
      throw conflict(`Upload offset ${offset} does not match the ${onDisk} bytes received so far; continue from ${onDisk}.`);
    }
    let received = onDisk;
    const limit = video.sizeBytes;
    let tooLarge = false;
    this.receiving.add(id);
    try {
      await pipeline(
        body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            received += chunk.length;
            if (received > limit) {
              tooLarge = true;
              throw new Error('too large');
            }
            yield chunk;
          }
        },
        createWriteStream(path, { flags: onDisk > 0 ? 'r+' : 'w', start: onDisk }),
      );
    } catch (err) {
      if (!tooLarge) {
        // A broken connection keeps what arrived so the client can resume.
        await this.videos.setReceived(id, existsSync(path) ? statSync(path).size : 0);
        throw err;
      }
    } finally {
      this.receiving.delete(id);
    }
    if (tooLarge) {
      await this.discard(id);
      throw new HttpError(413, `More bytes arrived than the announced ${limit}; the upload was discarded. Announce the real size and upload again.`);
    }
    await this.videos.setReceived(id, received);
    if (received < limit) return this.get(id);
    return this.finish(id);
  }

  private async finish(id: number): Promise<VideoRow> {
    const video = await this.get(id);
    let probe;
    try {
      probe = await probeVideo(this.sourcePath(id));
    } catch (err) {
      await this.discard(id);
      if (err instanceof ProbeError) {
        throw new HttpError(422, `"${video.fileName}" is not a usable video: ${err.message}. Nothing was kept; upload a video file (mp4, mkv, webm, avi, mov).`);
      }
      throw err;
    }
    await this.videos.setProbed(id, probe);
    const job = this.extract(id, video.frameStep, probe.durationS).finally(() => this.extractions.delete(id));
    this.extractions.set(id, job);
    return this.get(id);
  }

  private async extract(id: number, step: number, durationS: number): Promise<void> {
    const finalDir = join(this.dir(id), 'frames');
    const workDir = join(this.dir(id), 'frames.partial');
    rmSync(workDir, { recursive: true, force: true });
    let last = 0;
    const emit = (progress: number, frameCount = 0) => this.options.emit({ videoId: id, status: 'extracting', progress, frameCount, error: null });
    emit(0);
    try {
      const frameCount = await extractFrames({
        input: this.sourcePath(id),
        outDir: workDir,
        step,
        durationS,
        onProgress: (share) => {
          if (share - last >= 0.02 || share === 1) {
            last = share;
            emit(share);
          }
        },
      });
      if (frameCount === 0) throw new Error('ffmpeg decoded no frames');
      rmSync(finalDir, { recursive: true, force: true });
      renameSync(workDir, finalDir);
      await this.videos.setStatus(id, 'ready', { frameCount });
      this.options.emit({ videoId: id, status: 'ready', progress: 1, frameCount, error: null });
    } catch (err) {
      const message = (err as Error).message;
      this.options.log.error(`extraction of video ${id} failed: ${message}`);
      rmSync(workDir, { recursive: true, force: true });
      await this.videos.setStatus(id, 'failed', { error: message }).catch(() => undefined);
      this.options.emit({ videoId: id, status: 'failed', progress: last, frameCount: 0, error: message });
    }
  }

  /** Resolves when the video's running extraction (if any) has ended. */
  async settled(id: number): Promise<void> {
    await this.extractions.get(id);
  }

  /** Waits for every running extraction (app shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.extractions.values()]);
  }

  /**
   * Removes uploads that stopped: videos still `uploading` with no chunk for `staleUploadSeconds`,
   * their rows and their files. Returns the ids removed. Run periodically by the app.
   */
  async sweepStaleUploads(): Promise<number[]> {
    const age = this.options.staleUploadSeconds;
    const removed: number[] = [];
    for (const { id, receivedBytes } of await this.videos.oldUploads(age)) {
      if (this.receiving.has(id)) continue;
      // The last chunk's time is the source file's modification time (no file: nothing ever came).
      const path = this.sourcePath(id);
      const lastChunkMs = existsSync(path) ? statSync(path).mtimeMs : 0;
      if (Date.now() - lastChunkMs < age * 1000) continue;
      // The row goes first and only if no chunk landed meanwhile, then the files.
      if (!(await this.videos.deleteUpload(id, receivedBytes))) continue;
      rmSync(this.dir(id), { recursive: true, force: true });
      removed.push(id);
    }
    return removed;
  }

  async discard(id: number): Promise<void> {
    rmSync(this.dir(id), { recursive: true, force: true });
    await this.videos.delete(id);
  }

  async remove(id: number): Promise<void> {
    const video = await this.get(id);
    if (video.status === 'extracting') throw conflict(`Video ${id} is still extracting frames; delete it when that ends.`);
    await this.discard(id);
  }

  /** Path of extracted frame `index`, or a 404 naming the valid range. */
  async framePath(id: number, index: number): Promise<string> {
    const video = await this.get(id);
    if (video.status !== 'ready') throw conflict(`Video ${id} has no frames yet (status ${video.status}).`);
    if (!Number.isInteger(index) || index < 0 || index >= video.frameCount) throw notFound(`Frame index ${index} does not exist; video ${id} has frames 1..${video.frameCount} (indices 0..${video.frameCount - 1}).`);
    return join(this.dir(id), 'frames', frameFileName(index));
  }

  /** Folder of the extracted frames (`frameFileName(index)` inside), read by pre-labeling workers. */
  framesDir(id: number): string {
    return join(this.dir(id), 'frames');
  }

  /** Paths of up to `count` consecutive frames from `from` (fewer at the end of the video). */
  async framePaths(id: number, from: number, count: number): Promise<{ index: number; path: string }[]> {
    const first = await this.framePath(id, from);
    const video = await this.get(id);
    const n = Math.min(count, video.frameCount - from);
    return Array.from({ length: n }, (_, i) => ({ index: from + i, path: i === 0 ? first : join(this.dir(id), 'frames', frameFileName(from + i)) }));
  }

  /**
   * Up to `count` consecutive frames from `from` as one body, the JPEGs back to back, with each
   * one's byte length (the client slices the body).
   */
  async frameBundle(id: number, from: number, count: number): Promise<{ bytes: Buffer; lengths: number[] }> {
    const bodies = await Promise.all((await this.framePaths(id, from, count)).map((f) => readFile(f.path)));
    return { bytes: Buffer.concat(bodies), lengths: bodies.map((b) => b.length) };
  }

  /** The stored original, for pre-labeling or re-extraction. */
  sourceFile(id: number): string {
    return this.sourcePath(id);
  }

  static checkStep(step: number): void {
    if (!Number.isInteger(step) || step < 1) throw badRequest('frameStep must be an integer >= 1.');
  }
}
