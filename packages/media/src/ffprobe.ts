// ffprobe through fluent-ffmpeg, on the binary media-tools.ts resolves (FFPROBE_PATH, the system
// PATH, else the npm static build). fluent-ffmpeg keeps the binary path in a module-wide cache,
// so it is set on every command, right before the command runs (the path is read synchronously
// once set, so concurrent commands never pick up another's).
import ffmpeg, { type FfprobeData, type FfprobeStream } from 'fluent-ffmpeg';
import { ffprobePath } from './media-tools.ts';

/** ffprobe ran and refused the input: `lastLine` is its last stderr line ('' when it printed none). */
export class FfprobeExit extends Error {
  override readonly name = 'FfprobeExit';
  constructor(readonly exitCode: number | undefined, readonly lastLine: string) {
    super(lastLine || `ffprobe exited with ${exitCode ?? 'an error'}`);
  }
}

/** A value ffprobe printed, or undefined for N/A or absent ones (its key=value output says "N/A"). */
export function known(value: string | number | undefined): string | number | undefined {
  return value === undefined || value === 'N/A' || value === '' ? undefined : value;
}

/**
 * The streams and format ffprobe reports for `source` (file or URL), first video stream only.
 * Throws {@link FfprobeExit} when ffprobe rejects the input, and an Error saying how to get
 * ffprobe when it cannot run.
 * @example const { streams: [video] } = await ffprobeVideo('clip.mp4');
 */
export function ffprobeVideo(source: string, inputOptions: readonly string[] = []): Promise<FfprobeData & { streams: FfprobeStream[] }> {
  return new Promise((resolve, reject) => {
    ffmpeg(source)
      .setFfprobePath(ffprobePath())
      .ffprobe(['-v', 'error', ...inputOptions, '-select_streams', 'v:0'], (err: (Error & { code?: unknown }) | null, data: FfprobeData) => {
        if (!err) return resolve(data);
        // A spawn failure carries an errno code (ENOENT, EACCES); an exit carries ffprobe's stderr.
        if (typeof err.code === 'string') return reject(new Error(`ffprobe could not run (${err.message}); run "npm install" (it ships ffprobe) or set FFPROBE_PATH`));
        const [head = '', ...stderr] = err.message.split('\n');
        const exitCode = Number(/exited with code (\d+)/.exec(head)?.[1]);
        reject(new FfprobeExit(Number.isFinite(exitCode) ? exitCode : undefined, stderr.join('\n').trim().split('\n').pop() ?? ''));
      });
  });
}
