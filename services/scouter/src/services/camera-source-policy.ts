import { realpath, stat } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { relative, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { probeVideo, ProbeError } from '@sightline/media';
import { HttpError } from '@sightline/server-kit';
import { sourceTypeOf } from '../pipeline/default-spec.ts';
import { parseCameraUri } from './camera-uri.ts';

// Where a camera must not point unless an operator allows it: this host, link-local (cloud
// metadata at 169.254.169.254), private and reserved ranges.
const REFUSED: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 127, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

export interface CameraSourceSettings {
  /** Folders local video files must be in (resolved, links followed, before comparing). */
  readonly mediaRoots: readonly string[];
  /** CIDRs (10.0.0.0/8, fd00::/8), addresses or host names allowed although private/loopback; `*` allows every address. */
  readonly allowNetworks: readonly string[];
}

/**
 * A checked source that is a file must be one ffprobe reads as a video, checked when a camera or a
 * flow's source is added or changed, so a wrong file is a 400 at once rather than a camera that
 * retries it for ever. `input` is what the user wrote, for the message.
 * @example await checkVideoFile(await policy.check(input), input)
 */
export async function checkVideoFile(uri: string, input: string): Promise<void> {
  if (sourceTypeOf(uri) !== 'video') return;
  try {
    await probeVideo(fileURLToPath(uri));
  } catch (err) {
    if (err instanceof ProbeError) throw new HttpError(400, `"${input}" is not a video Scouter can play: ${err.message}; choose a video file (mp4, mkv, avi, webm...)`);
    throw err;
  }
}

const NOT_IN_ROOTS = (input: string, roots: readonly string[]) =>
  new HttpError(400, `no video file "${input}" in the media folders (${roots.join(', ')}); put the video there, or add its folder to SCOUTER_MEDIA_ROOTS`);

/**
 * Decides whether Scouter may open a camera source: local files only inside the media roots (with
 * links resolved, so a link cannot lead out), network sources only to public addresses unless
 * allowed. Its answers for files outside the roots are all the same, so they say nothing about
 * what exists there.
 * @example await new CameraSourcePolicy({ mediaRoots: ['/srv/videos'], allowNetworks: ['192.168.1.0/24'] }).check('rtsp://192.168.1.20/s')
 */
export class CameraSourcePolicy {
  private readonly allowed = new BlockList();
  private readonly allowedHosts = new Set<string>();
  private readonly allowAll: boolean;
  private readonly refused = new BlockList();
  private roots: Promise<string[]> | undefined;

  constructor(private readonly settings: CameraSourceSettings) {
    for (const [net, prefix, type] of REFUSED) this.refused.addSubnet(net, prefix, type);
    this.allowAll = settings.allowNetworks.includes('*');
    for (const entry of settings.allowNetworks) {
      const [address, bits] = entry.split('/');
      const type = address ? isIP(address) : 0;
      if (type === 0) this.allowedHosts.add(entry.toLowerCase());
      else if (bits === undefined) this.allowed.addAddress(address!, type === 4 ? 'ipv4' : 'ipv6');
      else this.allowed.addSubnet(address!, Number(bits), type === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** The normalised URI (file:// URL of the real file, or the stream URL) or a 400 that reveals nothing outside the roots. */
  async check(input: string, cwd: string = process.cwd()): Promise<string> {
    const parsed = parseCameraUri(input, cwd);
    return parsed.kind === 'file' ? this.checkFile(parsed.path, input) : this.checkUrl(parsed.url, input);
  }

  private async checkFile(path: string, input: string): Promise<string> {
    const roots = await (this.roots ??= Promise.all(this.settings.mediaRoots.map((r) => realpath(r).catch(() => r))));
    if (roots.length === 0) throw new HttpError(400, 'local video files are turned off (SCOUTER_MEDIA_ROOTS names no folder); use an rtsp:// or http(s):// source');
    // The lexical check first, so paths outside the roots never reach the file system.
    if (!roots.some((root) => inside(root, path)) && !this.settings.mediaRoots.some((root) => inside(root, path))) throw NOT_IN_ROOTS(input, this.settings.mediaRoots);
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      throw NOT_IN_ROOTS(input, this.settings.mediaRoots);
    }
    // A link inside the roots that leads out answers exactly like a missing file.
    if (!roots.some((root) => inside(root, real))) throw NOT_IN_ROOTS(input, this.settings.mediaRoots);
    const info = await stat(real);
    if (!info.isFile()) throw new HttpError(400, `"${input}" is a ${info.isDirectory() ? 'folder' : 'special file'}, not a video file; give the path of a video file`);
    return pathToFileURL(real).toString();
  }

  private async checkUrl(url: string, input: string): Promise<string> {
    if (this.allowAll) return url;
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (this.allowedHosts.has(host)) return url;
    let addresses: { address: string; family: number }[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
    else {
      try {
        addresses = await lookup(host, { all: true, verbatim: true });
      } catch {
        throw new HttpError(400, `the host of "${input}" could not be resolved; check the name, or use the camera's IP address`);
      }
    }
    for (const { address, family } of addresses) {
      const type: 'ipv4' | 'ipv6' = family === 6 ? 'ipv6' : 'ipv4';
      const v4 = type === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
      const [a, t]: [string, 'ipv4' | 'ipv6'] = v4 ? [v4, 'ipv4'] : [address, type];
      if (this.refused.check(a, t) && !this.allowed.check(a, t)) {
        throw new HttpError(400, `"${input}" points at a loopback, link-local or private address, which cameras may not use by default; an admin can allow camera networks with SCOUTER_ALLOW_NETWORKS (e.g. 192.168.1.0/24)`);
      }
    }
    return url;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' ? false : !rel.startsWith('..') && !isAbsolute(rel);
}
