import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** Where an ffmpeg/ffprobe binary came from: a setting, the system PATH, or an npm package. */
export type ToolSource = 'env' | 'system' | 'bundled';

export interface MediaTool {
  readonly name: 'ffmpeg' | 'ffprobe';
  readonly path: string;
  readonly source: ToolSource;
}

const require = createRequire(import.meta.url);

// The npm packages that ship static builds, so `npm install` is all the set-up a machine needs.
const BUNDLED_PACKAGES = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' } as const;
const ENV_KEYS = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' } as const;

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, like `which`. */
export function findOnPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The binary shipped by the npm package, made executable when the package's own postinstall
 * (a `chmod u+x`, which npm's install-script gating may skip) did not run.
 * @example bundledToolPath('ffprobe') // .../node_modules/@ffprobe-installer/linux-x64/ffprobe
 */
export function bundledToolPath(name: 'ffmpeg' | 'ffprobe'): string | undefined {
  let path: string;
  try {
    path = (require(BUNDLED_PACKAGES[name]) as { path: string }).path;
  } catch {
    return undefined; // No build for this platform, or the package is not installed.
  }
  if (!isExecutable(path)) {
    try {
      chmodSync(path, statSync(path).mode | 0o111);
    } catch {
      return undefined;
    }
  }
  return isExecutable(path) ? path : undefined;
}

const resolved = new Map<string, MediaTool>();

/**
 * Which ffmpeg/ffprobe to run: FFMPEG_PATH / FFPROBE_PATH when set, else the system's on PATH,
 * else the static build from the npm package. Resolved once per process.
 * @example spawn(mediaTool('ffmpeg').path, ['-version'])
 */
export function mediaTool(name: 'ffmpeg' | 'ffprobe', env: NodeJS.ProcessEnv = process.env): MediaTool {
  const fromEnv = env[ENV_KEYS[name]];
  if (fromEnv) return { name, path: fromEnv, source: 'env' };
  const cached = resolved.get(name);
  if (cached) return cached;
  const system = findOnPath(name, env.PATH);
  const bundled = system ? undefined : bundledToolPath(name);
  // Neither found: keep the bare name so the spawn error names the program.
  const tool: MediaTool = system ? { name, path: system, source: 'system' } : bundled ? { name, path: bundled, source: 'bundled' } : { name, path: name, source: 'system' };
  if (system || bundled) resolved.set(name, tool);
  return tool;
}

/** ffmpeg's path (see {@link mediaTool}). @example spawn(ffmpegPath(), args) */
export const ffmpegPath = (): string => mediaTool('ffmpeg').path;
/** ffprobe's path (see {@link mediaTool}). @example spawn(ffprobePath(), args) */
export const ffprobePath = (): string => mediaTool('ffprobe').path;

/**
 * The tool with its version line, or the reason it cannot run: for start-up logs and `sightline doctor`.
 * @example describeMediaTool('ffmpeg') // { path, source: 'bundled', version: '4.1 ...' }
 */
export function describeMediaTool(name: 'ffmpeg' | 'ffprobe'): MediaTool & { version?: string; error?: string } {
  const tool = mediaTool(name);
  const run = spawnSync(tool.path, ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (run.error || run.status !== 0) {
    const why = run.error ? run.error.message : `exit ${run.status}`;
    return { ...tool, error: `${name} could not run (${why})` };
  }
  const first = run.stdout.split('\n')[0] ?? '';
  const version = /version (\S+)/.exec(first)?.[1] ?? first;
  return { ...tool, version };
}

/** One line for logs: `ffmpeg 5.1.8 (system, /usr/bin/ffmpeg)`. */
export function mediaToolSummary(name: 'ffmpeg' | 'ffprobe'): string {
  const info = describeMediaTool(name);
  return info.error ? `${info.error}; reinstall with \`npm install\` or set ${ENV_KEYS[name]}` : `${name} ${info.version} (${info.source}, ${info.path})`;
}

const versionCache = new Map<string, [number, number] | undefined>();

/** ffmpeg's major.minor, read once per binary; undefined for builds that print no release number. */
function ffmpegRelease(path: string): [number, number] | undefined {
  if (!versionCache.has(path)) {
    const first = spawnSync(path, ['-version'], { encoding: 'utf8', timeout: 10_000 }).stdout?.split('\n')[0] ?? '';
    const match = /version n?(\d+)\.(\d+)/.exec(first);
    versionCache.set(path, match ? [Number(match[1]), Number(match[2])] : undefined);
  }
  return versionCache.get(path);
}

/**
 * "Keep every decoded frame, invent or drop none": `-fps_mode passthrough` since ffmpeg 5.1,
 * `-vsync passthrough` before it (the bundled static build is 4.x, and git snapshots print no release).
 * @example spawn(ffmpegPath(), ['-i', src, ...passthroughFrames(), 'out/%06d.jpg'])
 */
export function passthroughFrames(path = ffmpegPath()): string[] {
  const release = ffmpegRelease(path);
  const modern = release !== undefined && (release[0] > 5 || (release[0] === 5 && release[1] >= 1));
  return modern ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
}
