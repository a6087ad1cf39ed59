import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ffmpegPath } from '@sightline/media';
import type { VideoFrame } from '@sightline/vision';
import type { JpegEncoder } from './stages.ts';

/**
 * JPEG previews from one long-lived ffmpeg (raw RGB in, MJPEG out), so a preview costs an encode,
 * not a process start. Restarted when the frame size or the output width changes. One encode at a
 * time: callers skip a preview rather than queue one.
 */
export class FfmpegJpegEncoder implements JpegEncoder {
  private child: ChildProcessWithoutNullStreams | undefined;
  private size = '';
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (jpeg: Buffer) => void; reject: (err: Error) => void } | undefined;

  constructor(private readonly quality = 7) {}

  encode(frame: VideoFrame, maxWidth?: number): Promise<Buffer> {
    if (this.waiting) return Promise.reject(new Error('an encode is already in progress'));
    // Downscaling in the same ffmpeg: fewer pixels to encode and to send.
    const width = maxWidth && maxWidth < frame.width ? maxWidth : undefined;
    const size = `${frame.width}x${frame.height}${width ? `>${width}` : ''}`;
    if (!this.child || size !== this.size) this.restart(size, `${frame.width}x${frame.height}`, width);
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child!.stdin.write(frame.data);
    });
  }

  private restart(key: string, size: string, width: number | undefined): void {
    this.close();
    this.size = key;
    this.buffer = Buffer.alloc(0);
    const scale = width ? ['-vf', `scale=${width}:-2`] : [];
    const args = ['-v', 'error', '-probesize', '32', '-analyzeduration', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', size, '-i', 'pipe:0', ...scale, '-f', 'image2pipe', '-c:v', 'mjpeg', '-threads', '1', '-q:v', String(this.quality), '-flush_packets', '1', 'pipe:1'];
    const child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-2000)));
    child.stdin.on('error', () => undefined);
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (why: string) => {
      if (this.child === child) this.child = undefined;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(new Error(`JPEG encoder stopped: ${why}`));
    };
    child.on('error', (err) => fail(`${err.message}; run "npm install" (it ships ffmpeg) or set FFMPEG_PATH`));
    child.on('close', (code) => fail(stderr.trim() || `exit code ${code}`));
  }

  // A JPEG ends at the EOI marker FF D9; inside the entropy-coded data every FF is followed by 00.
  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf(EOI);
    if (end < 0) return;
    const jpeg = this.buffer.subarray(0, end + 2);
    this.buffer = this.buffer.subarray(end + 2);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(Buffer.from(jpeg));
  }

  close(): void {
    const child = this.child;
    this.child = undefined;
    if (child) {
      child.stdin.end();
      child.kill('SIGKILL');
    }
  }
}

const EOI = Buffer.from([0xff, 0xd9]);
