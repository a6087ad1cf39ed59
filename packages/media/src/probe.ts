import { FfprobeExit, ffprobeVideo, known } from './ffprobe.ts';

/** What ffprobe found in a file that holds a decodable video stream. */
export interface VideoProbe {
  readonly formatName: string;
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly durationS: number;
  /** Frames in the video stream: the container's count when it has one, else duration x fps. */
  readonly frameCount: number;
}

/** The file is not a video ffprobe can read; `message` says why in words a user can act on. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
}

function parseRate(rate: string | number | undefined): number {
  if (rate === undefined) return 0;
  const [num, den] = String(rate).split('/').map(Number);
  if (!num || !Number.isFinite(num)) return 0;
  return den ? num / den : num;
}

/**
 * Runs ffprobe on a file and returns its first video stream's geometry, rate and length. Throws
 * {@link ProbeError} for a missing, non-video or corrupt file.
 * @example const { width, height, fps } = await probeVideo('/tmp/clip.mp4');
 */
export async function probeVideo(path: string): Promise<VideoProbe> {
  let info;
  try {
    info = await ffprobeVideo(path);
  } catch (err) {
    if (err instanceof FfprobeExit) throw new ProbeError(`not a readable video (ffprobe: ${err.lastLine.replace(path, '<file>') || `exit ${err.exitCode}`})`);
    throw err;
  }
  const stream = info.streams[0];
  if (!stream || !stream.width || !stream.height) throw new ProbeError('the file holds no video stream');
  // Still images probe as one-frame "video" streams; they are not videos to annotate.
  const formatName = String(known(info.format.format_name) ?? '');
  if (/image2|_pipe$|png|jpeg|gif|webp/.test(formatName) && !/mov|mp4|matroska|webm|avi/.test(formatName)) {
    throw new ProbeError(`the file is an image (${formatName}), not a video`);
  }
  const fps = parseRate(known(stream.avg_frame_rate)) || parseRate(known(stream.r_frame_rate));
  const durationS = Number(known(stream.duration) ?? known(info.format.duration) ?? 0);
  const frameCount = Number(known(stream.nb_frames)) || Math.round(durationS * fps);
  if (!(fps > 0) || !(durationS > 0) || frameCount < 1) throw new ProbeError('the video stream has no frames or no frame rate (truncated or corrupt file?)');
  return { formatName, codec: String(known(stream.codec_name) ?? 'unknown'), width: stream.width, height: stream.height, fps, durationS, frameCount };
}
