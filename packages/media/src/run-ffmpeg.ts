// One ffmpeg run whose whole output fits in memory (a still decoded, a crop encoded, an upload
// checked): spawn, collect stdout and the end of stderr, settle on exit. Streams of frames keep
// their own spawn (decode-video, the JPEG encoder): they need backpressure, not a buffer.
import { spawn } from 'node:child_process';
import { ffmpegPath } from './media-tools.ts';

export interface FfmpegRun {
  /** Exit code (null when killed). */
  code: number | null;
  /** Signal that ended it (the timeout's SIGKILL), else null. */
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** The last 2,000 characters ffmpeg printed on stderr. */
  stderr: string;
}

/**
 * Runs ffmpeg with `args`, writing `input` to its stdin when given, and resolves with what it
 * printed once it exits; rejects only when ffmpeg cannot be started.
 * @example const { code, stdout } = await runFfmpeg(['-v', 'error', '-i', 'a.jpg', '-f', 'mjpeg', 'pipe:1']);
 */
export function runFfmpeg(args: readonly string[], options: { input?: Buffer; timeoutMs?: number } = {}): Promise<FfmpegRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.stdout!.on('data', (d: Buffer) => chunks.push(d));
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    if (options.input) {
      // ffmpeg may stop reading early (EPIPE) on a bad header; the exit code tells the story.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.input);
    }
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ffmpeg: ${e.message}; run "npm install" (it ships ffmpeg) or set FFMPEG_PATH`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(chunks), stderr });
    });
  });
}
