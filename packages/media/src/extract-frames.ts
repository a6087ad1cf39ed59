import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';
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
 * (file n holds source frame (n-1)*step), through fluent-ffmpeg on the binary media-tools.ts
 * resolves. Reports progress from ffmpeg's `-progress` output and resolves with the number of
 * files written.
 * @example const n = await extractFrames({ input: 'a.mp4', outDir: 'frames', step: 5, durationS: 12 });
 */
export async function extractFrames(options: ExtractFramesOptions): Promise<number> {
  mkdirSync(options.outDir, { recursive: true });
  options.signal?.throwIfAborted();
  const bin = ffmpegPath();
  const filter = options.step > 1 ? ['-vf', `select=not(mod(n\\,${options.step}))`] : [];
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    // -progress writes key=value lines; on stderr they reach fluent-ffmpeg's per-line 'stderr'
    // event beside ffmpeg's errors (its own 'progress' event would parse -stats lines and run an
    // extra ffprobe for the duration the caller already knows).
    const command = ffmpeg(options.input)
      .setFfmpegPath(bin)
      .inputOptions(['-hide_banner', '-nostdin', '-v', 'error'])
      .outputOptions([...filter, ...passthroughFrames(bin), '-q:v', String(options.jpegQuality ?? 3), '-progress', 'pipe:2', '-nostats'])
      .output(join(options.outDir, '%06d.jpg'))
      .on('stderr', (line: string) => {
        const match = /^out_time_us=(\d+)/.exec(line);
        if (match) {
          if (options.durationS > 0) options.onProgress?.(Math.min(1, Number(match[1]) / 1e6 / options.durationS));
        } else if (!/^\w+=/.test(line)) stderr = `${stderr}\n${line}`.slice(-2000);
      })
      .on('end', () => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      })
      .on('error', (err: Error & { code?: unknown }) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (options.signal?.aborted) reject(options.signal.reason);
        else if (typeof err.code === 'string') reject(new Error(`ffmpeg could not run (${err.message}); run "npm install" (it ships ffmpeg) or set FFMPEG_PATH`));
        else reject(new Error(`ffmpeg failed to extract frames (exit ${/exited with code (\d+)/.exec(err.message)?.[1] ?? '?'}): ${stderr.trim().split('\n').pop() ?? ''}`));
      });
    const onAbort = (): void => void command.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    command.run();
  });
  return readdirSync(options.outDir).filter((f) => /^\d{6}\.jpg$/.test(f)).length;
}
