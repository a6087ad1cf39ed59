import type { FastifyReply, FastifyRequest } from 'fastify';
import { createReadStream, statSync } from 'node:fs';

/**
 * Sends an extracted frame. Frames never change once extracted, so they are cached for a year
 * (private: they need a session), validated by ETag (304), and byte ranges are honoured so a
 * client may fetch parts or resume.
 */
export function sendFrame(request: FastifyRequest, reply: FastifyReply, path: string, etagSeed: string) {
  const { size, mtimeMs } = statSync(path);
  const etag = `"${etagSeed}-${size}-${Math.floor(mtimeMs)}"`;
  reply
    .header('cache-control', 'private, max-age=31536000, immutable')
    .header('etag', etag)
    .header('accept-ranges', 'bytes')
    .header('content-type', 'image/jpeg');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
  if (range && (range[1] || range[2])) {
    const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start > end || start >= size) return reply.status(416).header('content-range', `bytes */${size}`).send();
    return reply
      .status(206)
      .header('content-range', `bytes ${start}-${end}/${size}`)
      .header('content-length', end - start + 1)
      .send(createReadStream(path, { start, end }));
  }
  return reply.header('content-length', size).send(createReadStream(path));
}
