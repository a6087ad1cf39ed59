// Proof that an uploaded still image really decodes: its header alone can claim any size.
import { runFfmpeg } from './run-ffmpeg.ts';

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
export async function checkImageDecodes(bytes: Buffer, timeoutMs = 20_000): Promise<void> {
  const args = ['-v', 'error', '-nostdin', '-xerror', '-err_detect', 'explode', '-i', 'pipe:0', '-frames:v', '1', '-vf', 'scale=16:16', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'];
  const { code, signal, stdout, stderr } = await runFfmpeg(args, { input: bytes, timeoutMs });
  if (signal) throw new ImageDecodeError(`decoding took longer than ${timeoutMs} ms`);
  if (code !== 0 || stdout.length !== 16 * 16) throw new ImageDecodeError(stderr.trim().split('\n').pop()?.replace(/^\[[^\]]*\]\s*/, '') || 'no picture found');
}
