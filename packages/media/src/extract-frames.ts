import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegPath, passthroughFrames } from './media-tools.ts';

export interface ExtractFramesOptions {
  readonly input: string;
  readonly outDir: string;
  /** Keep every `step`-th decoded frame (1 = all). */
  readonly step: number;
  /** Source length, for progress as a share (0..1). */
  readonly durationS: number;
  /** JPEG quality on ffmpeg's 2 (best) .. 31 scale. */
  readonly jpegQuality?: number;
  readonly onProgress?: (share: number) => void;
  readonly signal?: AbortSignal;
}

/** Name of extracted frame `index` (0-based) inside the output folder. */
export function frameFileName(index: number): string {
  return `${String(index + 1).padStart(6, '0')}.jpg`;
}

/**
 * Decodes a video with ffmpeg and writes every `step`-th frame as `000001.jpg`, `000002.jpg`, ...
 * (file n holds source frame (n-1)*step). Reports progress from ffmpeg's `-progress` output and
 * resolves with the number of files written.
 * @example const n = await extractFrames({ input: 'a.mp4', outDir: 'frames', step: 5, durationS: 12 });
 */
export async function extractFrames(options: ExtractFramesOptions): Promise<number> {
  mkdirSync(options.outDir, { recursive: true });
  const filter = options.step > 1 ? ['-vf', `select=not(mod(n\\,${options.step}))`] : [];
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error', '-i', options.input, ...filter,
    ...passthroughFrames(), '-q:v', String(options.jpegQuality ?? 3), '-progress', 'pipe:1', '-nostats',
    join(options.outDir, '%06d.jpg'),
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    let stderr = '';
    let pending = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^out_time_us=(\d+)/.exec(line);
        if (match && options.durationS > 0) options.onProgress?.(Math.min(1, Number(match[1]) / 1e6 / options.durationS));
      }
    });
    child.once('error', (e) => reject(new Error(`ffmpeg could not run (${e.message}); run "npm install" (it ships ffmpeg) or set FFMPEG_PATH`)));
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg failed to extract frames (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`))));
  });
  return readdirSync(options.outDir).filter((f) => /^\d{6}\.jpg$/.test(f)).length;
}
