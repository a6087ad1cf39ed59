// Raw RGB frames from a video file or stream URL, decoded by ffmpeg into a pipe; frame size
// comes from ffprobe (probe.ts for files; a lighter query for live URLs, which have no
// duration). One frame is one width*height*3 byte array, rows tightly packed.
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import type { VideoFrame } from '@sightline/vision';
import { FfprobeExit, ffprobeVideo, known } from './ffprobe.ts';
import { ffmpegPath, passthroughFrames } from './media-tools.ts';
import { probeImageSize } from './decode-image.ts';
import { jpegSize } from './image-size.ts';
import { probeVideo } from './probe.ts';

/** What ffprobe reports about the first video stream. */
export interface VideoStreamInfo {
  width: number;
  height: number;
  codec: string;
  /** Average frames per second, when the container says. */
  fps?: number;
  /** Frames in the stream, when the container says (files only). */
  frameCount?: number;
}

export interface DecodeOptions {
  /** Keep every N-th frame (1: all); kept frames are 0, N, 2N, ... */
  every?: number;
  /** Stop after this many kept frames. */
  maxFrames?: number;
  /** Known stream info, to skip the ffprobe call. */
  info?: VideoStreamInfo;
  /** Decoded frames read ahead of the caller (default 4). */
  prefetch?: number;
  /** Aborts decoding (the ffmpeg process is killed). */
  signal?: AbortSignal;
}


function isUrl(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
}

function inputArgs(source: string): string[] {
  // RTSP over UDP drops packets behind NAT and on busy links; TCP is the safe default.
  return source.startsWith('rtsp://') ? ['-rtsp_transport', 'tcp', '-i', source] : ['-i', source];
}

function ratio(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const [n, d] = String(value).split('/').map(Number);
  const r = d ? n! / d : n!;
  return Number.isFinite(r) && r > 0 ? r : undefined;
}

/**
 * Width, height, codec, frame rate and frame count of the first video stream (ffprobe).
 * @example const { width, height } = await probeVideoStream('clip.mp4');
 */
export async function probeVideoStream(source: string): Promise<VideoStreamInfo> {
  if (!isUrl(source)) {
    try {
      const p = await probeVideo(source);
      return { width: p.width, height: p.height, codec: p.codec, fps: p.fps, frameCount: p.frameCount };
    } catch (err) {
      throw new Error(`cannot read video ${source}: ${(err as Error).message}. Check the path and that the file is a video.`);
    }
  }
  let probed;
  try {
    probed = await ffprobeVideo(source, source.startsWith('rtsp://') ? ['-rtsp_transport', 'tcp'] : []);
  } catch (err) {
    if (err instanceof FfprobeExit) throw new Error(`cannot read video ${source}: ${err.message}. Check the URL and that the stream is up.`);
    throw err;
  }
  const stream = probed.streams[0];
  if (!stream?.width || !stream.height) throw new Error(`${source} has no video stream (ffprobe found none); pass a video file or stream URL`);
  const fps = ratio(known(stream.avg_frame_rate));
  const frameCount = Number(known(stream.nb_frames));
  return {
    width: stream.width,
    height: stream.height,
    codec: String(known(stream.codec_name) ?? 'unknown'),
    ...(fps ? { fps } : {}),
    ...(Number.isInteger(frameCount) && frameCount > 0 ? { frameCount } : {}),
  };
}

/**
 * Decodes a video file or URL to RGB frames, in order, without frame-rate conversion (frame k
 * of the output is frame k of the source). Throws with ffmpeg's message when decoding fails.
 * @example for await (const frame of decodeVideoFrames('clip.mp4', { every: 5 })) use(frame.data);
 */
export async function* decodeVideoFrames(source: string, options: DecodeOptions = {}): AsyncGenerator<VideoFrame> {
  const every = options.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`every must be a whole number >= 1, got ${every}`);
  const info = options.info ?? (await probeVideoStream(source));
  yield* decodeRaw(inputArgs(source), [], source, info, every, options);
}

/**
 * Decodes `count` numbered images (a frame folder such as Hawk's `%06d.jpg`, starting at file
 * number `start`) with one ffmpeg process, as if they were a video: no process per image.
 * `index` counts from 0 at `start`.
 * @example for await (const f of decodeImageSequence('frames/%06d.jpg', { start: 1, count: 30 })) detect(f);
 */
export async function* decodeImageSequence(pattern: string, options: { start: number; count: number; prefetch?: number; signal?: AbortSignal }): AsyncGenerator<VideoFrame> {
  if (!Number.isInteger(options.start) || options.start < 0) throw new RangeError(`start must be a whole number >= 0, got ${options.start}`);
  if (!Number.isInteger(options.count) || options.count < 1) throw new RangeError(`count must be a whole number >= 1, got ${options.count}`);
  const first = pattern.replace(/%0?(\d*)d/, (_, width: string) => String(options.start).padStart(Number(width || 0), '0'));
  const [width, height] = await probeImageSize(first);
  const input = ['-f', 'image2', '-start_number', String(options.start), '-i', pattern];
  yield* decodeRaw(input, ['-frames:v', String(options.count)], pattern, { width, height, codec: 'image2' }, 1, { ...options, maxFrames: options.count });
}

/**
 * Decodes `count` JPEG images handed over as bytes (e.g. fetched from Hawk's frames API) with one
 * ffmpeg process reading them from a pipe, as if they were a video. The size is read from the first
 * image's header; `index` counts from 0. The images are pulled only as fast as ffmpeg takes them.
 * @example for await (const f of decodeJpegStream(fetchFrames(), { count: 30 })) detect(f);
 */
export async function* decodeJpegStream(jpegs: AsyncIterable<Uint8Array>, options: { count: number; prefetch?: number; signal?: AbortSignal }): AsyncGenerator<VideoFrame> {
  if (!Number.isInteger(options.count) || options.count < 1) throw new RangeError(`count must be a whole number >= 1, got ${options.count}`);
  const images = jpegs[Symbol.asyncIterator]();
  const first = await images.next();
  if (first.done) return;
  const size = jpegSize(first.value);
  if (!size) {
    await images.return?.(undefined);
    throw new Error('the first image is not a JPEG (no frame header found)');
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield first.value!;
    for (;;) {
      const next = await images.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const input = ['-f', 'image2pipe', '-c:v', 'mjpeg', '-i', 'pipe:0'];
  yield* decodeRaw(input, ['-frames:v', String(options.count)], 'the JPEG stream', { width: size[0], height: size[1], codec: 'mjpeg' }, 1, { ...options, maxFrames: options.count }, all());
}

async function* decodeRaw(input: string[], output: string[], source: string, info: VideoStreamInfo, every: number, options: DecodeOptions, stdin?: AsyncIterable<Uint8Array>): AsyncGenerator<VideoFrame> {
  const { width, height } = info;
  const frameBytes = width * height * 3;
  const filters = every > 1 ? ['-vf', `select=not(mod(n\\,${every}))`] : [];
  const args = ['-v', 'error', '-nostdin', ...input, '-map', '0:v:0', '-an', '-sn', '-dn', ...passthroughFrames(), ...filters, ...output, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  if (!stdin) child.stdin.end();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (err) => reject(new Error(`cannot run ffmpeg: ${err.message}; run "npm install" (it ships ffmpeg) or set FFMPEG_PATH`)));
    child.on('close', (code) => resolve(code));
  });
  const onAbort = (): void => void child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  // Frames are read ahead into a small queue so ffmpeg decodes while the caller works on the
  // previous frame (a pipe holds far less than one frame); reading pauses when the queue is full.
  const prefetch = Math.max(1, options.prefetch ?? 4);
  const queue: Uint8Array[] = [];
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let ended = false;
  let readError: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - offset);
      frame.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === frameBytes) {
        queue.push(frame);
        frame = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
    if (queue.length >= prefetch) child.stdout.pause();
    notify();
  });
  // Input through the pipe: a failing source ends the decode with its own error; ffmpeg closing
  // its input early (enough frames, or killed) is not an error of ours.
  const feed = stdin ? Readable.from(stdin) : undefined;
  if (feed) {
    child.stdin.on('error', () => undefined);
    feed.on('error', (err) => {
      readError = err;
      child.kill('SIGKILL');
      notify();
    });
    feed.pipe(child.stdin);
  }
  child.stdout.on('end', () => {
    ended = true;
    notify();
  });
  child.stdout.on('error', (err) => {
    readError = err;
    notify();
  });

  let kept = 0;
  let finished = false;
  try {
    for (;;) {
      const data = queue.shift();
      if (!data) {
        if (readError) throw readError;
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (queue.length < prefetch && child.stdout.isPaused()) child.stdout.resume();
      yield { index: kept * every, width, height, format: 'rgb24', data };
      kept++;
      // Frames already read from the pipe are not handed out after an abort.
      if (options.signal?.aborted || (options.maxFrames !== undefined && kept >= options.maxFrames)) {
        finished = true;
        return;
      }
    }
    const code = await exited;
    if (readError) throw readError;
    if (options.signal?.aborted) return;
    if (code !== 0) throw new Error(`ffmpeg failed decoding ${source} after ${kept} frames: ${stderr.trim() || `exit code ${code}`}`);
    finished = true;
  } finally {
    feed?.destroy();
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null) child.kill('SIGKILL');
    if (!finished) await exited.catch(() => undefined);
  }
}
