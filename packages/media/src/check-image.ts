// Proof that an uploaded still image really decodes: its header alone can claim any size.
import { spawn } from 'node:child_process';
import { ffmpegPath } from './media-tools.ts';

/** The bytes are not an image ffmpeg can decode (truncated, corrupt, or only a header). */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
}

/**
 * Decodes the first picture of an image held in memory (PNG, JPEG, WebP...) with ffmpeg, scaled to
 * a thumbnail so memory stays small, and rejects when the decoder reports damage. Check the
 * header's pixel count against a limit before calling: decoding allocates the full picture.
 * @example await checkImageDecodes(await readFile('plan.png'), 5000);
 */
export function checkImageDecodes(bytes: Buffer, timeoutMs = 20_000): Promise<void> {
  const args = ['-v', 'error', '-nostdin', '-xerror', '-err_detect', 'explode', '-i', 'pipe:0', '-frames:v', '1', '-vf', 'scale=16:16', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = 0;
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.length));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    // ffmpeg may stop reading early (EPIPE) on a bad header; the exit code tells the story.
    child.stdin.on('error', () => undefined);
    child.stdin.end(bytes);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ffmpeg: ${e.message}; install ffmpeg or set FFMPEG_PATH`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) reject(new ImageDecodeError(`decoding took longer than ${timeoutMs} ms`));
      else if (code !== 0 || out !== 16 * 16) reject(new ImageDecodeError(err.trim().split('\n').pop()?.replace(/^\[[^\]]*\]\s*/, '') || 'no picture found'));
      else resolve();
    });
  });
}
