import { spawn } from 'node:child_process';
import { ffprobePath } from './media-tools.ts';

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

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [num, den] = rate.split('/').map(Number);
  if (!num || !Number.isFinite(num)) return 0;
  return den ? num / den : num;
}

/**
 * Runs ffprobe on a file and returns its first video stream's geometry, rate and length. Throws
 * {@link ProbeError} for a missing, non-video or corrupt file.
 * @example const { width, height, fps } = await probeVideo('/tmp/clip.mp4');
 */
export async function probeVideo(path: string): Promise<VideoProbe> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'v:0', path];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(ffprobePath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('error', (e) => reject(new Error(`ffprobe could not run (${e.message}); run "npm install" (it ships ffprobe) or set FFPROBE_PATH`)));
    child.once('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const firstLine = stderr.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new ProbeError(`not a readable video (ffprobe: ${firstLine.replace(path, '<file>') || `exit ${code}`})`);
  const info = JSON.parse(stdout) as {
    format?: { format_name?: string; duration?: string };
    streams?: { codec_name?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; nb_frames?: string; duration?: string }[];
  };
  const stream = info.streams?.[0];
  if (!stream || !stream.width || !stream.height) throw new ProbeError('the file holds no video stream');
  // Still images probe as one-frame "video" streams; they are not videos to annotate.
  const formatName = info.format?.format_name ?? '';
  if (/image2|_pipe$|png|jpeg|gif|webp/.test(formatName) && !/mov|mp4|matroska|webm|avi/.test(formatName)) {
    throw new ProbeError(`the file is an image (${formatName}), not a video`);
  }
  const fps = parseRate(stream.avg_frame_rate) || parseRate(stream.r_frame_rate);
  const durationS = Number(stream.duration ?? info.format?.duration ?? 0);
  const frameCount = Number(stream.nb_frames) || Math.round(durationS * fps);
  if (!(fps > 0) || !(durationS > 0) || frameCount < 1) throw new ProbeError('the video stream has no frames or no frame rate (truncated or corrupt file?)');
  return { formatName, codec: stream.codec_name ?? 'unknown', width: stream.width, height: stream.height, fps, durationS, frameCount };
}
