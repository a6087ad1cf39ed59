import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HttpError } from '@sightline/server-kit';

const SCHEMES = 'file:///path/video.mp4 (or a plain path), rtsp://host/stream, http(s)://host/stream';

/**
 * Checks a camera URI and returns it normalised: a plain path (absolute, or relative to the
 * service's working folder) becomes a `file://` URL of an existing regular file; `rtsp(s)://` and
 * `http(s)://` need a host. Throws a 400 HttpError saying what is wrong and what is accepted.
 * @example normaliseCameraUri('../shared/data/video/pets09-s2l1.avi') // 'file:///.../pets09-s2l1.avi'
 */
export function normaliseCameraUri(input: string, cwd: string = process.cwd()): string {
  const parsed = parseCameraUri(input, cwd);
  return parsed.kind === 'file' ? checkFile(parsed.path, input) : parsed.url;
}

/**
 * The syntax half of a camera URI, touching no file and no network: a local path (absolute) or a
 * normalised rtsp(s)/http(s) URL with a host. Throws a 400 HttpError naming the problem.
 * @example parseCameraUri('videos/a.mp4', '/srv') // { kind: 'file', path: '/srv/videos/a.mp4' }
 */
export function parseCameraUri(input: string, cwd: string = process.cwd()): { kind: 'file'; path: string } | { kind: 'url'; url: string } {
  const raw = input.trim();
  if (raw.length === 0) throw new HttpError(400, `uri is empty; give one of ${SCHEMES}`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (!scheme || (scheme.length === 1 && /^[a-z]:[\\/]/i.test(raw))) return { kind: 'file', path: isAbsolute(raw) ? resolve(raw) : resolve(cwd, raw) };
  if (scheme === 'file') {
    let path: string;
    try {
      path = fileURLToPath(raw);
    } catch (err) {
      throw new HttpError(400, `uri "${input}" is not a valid file URL (${(err as Error).message}); write file:///absolute/path/video.mp4`);
    }
    return { kind: 'file', path: resolve(path) };
  }
  if (!['rtsp', 'rtsps', 'http', 'https'].includes(scheme)) {
    throw new HttpError(400, `uri scheme "${scheme}:" is not supported; give one of ${SCHEMES}`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HttpError(400, `uri "${input}" is not a valid URL; give one of ${SCHEMES}`);
  }
  if (!url.hostname) throw new HttpError(400, `uri "${input}" has no host; write ${scheme}://host[:port]/path`);
  return { kind: 'url', url: url.toString() };
}

function checkFile(path: string, input: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new HttpError(400, `video file not found: "${input}" (looked at ${path}); give an existing file's path or file:// URL`);
  }
  if (!stat.isFile()) throw new HttpError(400, `"${input}" is a ${stat.isDirectory() ? 'folder' : 'special file'}, not a video file; give the path of a video file`);
  return pathToFileURL(path).toString();
}
