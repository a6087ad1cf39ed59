// A box of a still image cut out as a small JPEG, for pages that show what a model saw.
import { probeImageSize } from './decode-image.ts';
import { runFfmpeg } from './run-ffmpeg.ts';

/**
 * The box `xyxy` of an image file (with `margin` of its size around it, clipped to the image),
 * scaled to `height` pixels high and encoded as JPEG.
 * @example const jpeg = await cropImageJpeg('000001.jpg', [100, 50, 160, 210], { height: 128 });
 */
export async function cropImageJpeg(path: string, xyxy: readonly number[], options: { margin?: number; height?: number } = {}): Promise<Buffer> {
  const [width, height] = await probeImageSize(path);
  const margin = options.margin ?? 0.1;
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = xyxy;
  const mx = (x2 - x1) * margin, my = (y2 - y1) * margin;
  const left = Math.max(0, Math.floor(x1 - mx)), top = Math.max(0, Math.floor(y1 - my));
  const right = Math.min(width, Math.ceil(x2 + mx)), bottom = Math.min(height, Math.ceil(y2 + my));
  if (!(right - left >= 2 && bottom - top >= 2)) throw new RangeError(`box [${xyxy.join(', ')}] is not inside the ${width}x${height} image ${path}`);
  const args = ['-v', 'error', '-nostdin', '-i', path, '-vf', `crop=${right - left}:${bottom - top}:${left}:${top},scale=-2:${options.height ?? 128}`, '-frames:v', '1', '-q:v', '4', '-f', 'mjpeg', 'pipe:1'];
  const { code, stdout: jpeg, stderr } = await runFfmpeg(args);
  if (code !== 0 || jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error(`ffmpeg could not cut ${path}: ${stderr.trim() || 'no JPEG came out'}`);
  return jpeg;
}
