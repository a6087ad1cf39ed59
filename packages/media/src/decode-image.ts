// A still image (JPEG, PNG...) decoded by ffmpeg to RGB24, optionally cropped and scaled first.
import type { Frame } from '@sightline/vision';
import { FfprobeExit, ffprobeVideo } from './ffprobe.ts';
import { runFfmpeg } from './run-ffmpeg.ts';

export interface ImageDecodeOptions {
  /** Crop [x, y, width, height] in source pixels, applied before scaling. */
  crop?: readonly [number, number, number, number];
  /** Output [width, height] (default: the (cropped) source size). */
  size?: readonly [number, number];
}

/** Width and height of an image file (ffprobe). @example const [w, h] = await probeImageSize('000001.jpg'); */
export async function probeImageSize(path: string): Promise<[number, number]> {
  let stream;
  try {
    stream = (await ffprobeVideo(path)).streams[0];
  } catch (err) {
    if (err instanceof FfprobeExit) throw new Error(`cannot read image ${path}: ${err.message}; check the path and that it is an image`);
    throw err;
  }
  if (!stream?.width || !stream.height) throw new Error(`cannot read image ${path}: no picture found; check the path and that it is an image`);
  return [stream.width, stream.height];
}

/**
 * Decodes one image file to tightly packed RGB24.
 * @example const img = await decodeImageRgb('photo.jpg', { crop: [0, 0, 160, 160] });
 */
export async function decodeImageRgb(path: string, options: ImageDecodeOptions = {}): Promise<Frame<'rgb24'>> {
  let [width, height] = await probeImageSize(path);
  const filters: string[] = [];
  if (options.crop) {
    const [x, y, w, h] = options.crop;
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) throw new RangeError(`crop [${options.crop.join(', ')}] does not fit inside the ${width}x${height} image ${path}`);
    filters.push(`crop=${w}:${h}:${x}:${y}`);
    [width, height] = [w, h];
  }
  if (options.size) {
    [width, height] = options.size;
    filters.push(`scale=${width}:${height}:flags=bilinear`);
  }
  const args = ['-v', 'error', '-nostdin', '-i', path, ...(filters.length ? ['-vf', filters.join(',')] : []), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const { code, stdout, stderr } = await runFfmpeg(args);
  // A copy with an ArrayBuffer of its own: frames are transferred between threads by their buffer.
  const data = new Uint8Array(stdout);
  if (code !== 0 || data.length !== width * height * 3) throw new Error(`ffmpeg could not decode ${path}: ${stderr.trim() || `got ${data.length} bytes, expected ${width * height * 3}`}`);
  return { width, height, format: 'rgb24', data };
}
