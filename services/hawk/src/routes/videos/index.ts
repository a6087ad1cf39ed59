import { FrameIndex, HawkCreateVideoBody, HawkVideo, Id } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { HawkServices } from '../../hawk-services.ts';
import { badRequest } from '@sightline/server-kit';
import { sendFrame } from '../../lib/send-frame.ts';
import { ADMIN, ANNOTATE } from '@sightline/auth';
import { userWith } from '../../plugins/auth.ts';
import type { VideoRow } from '../../repositories/video.repository.ts';
import { VideoService } from '../../services/video.service.ts';
import { IdParams, OkResponse } from '../params.ts';

/** Video upload (announce, then PATCH chunks of raw bytes), listing, deletion and frame files. */
export function videoRoutes(app: ServiceApp, s: HawkServices): void {
  // Upload bodies stay streams: they go to disk chunk by chunk, never whole into memory.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  const withShare = async (v: VideoRow) => VideoService.toApi(v, await s.reviews.approvedShare(v.id, v.frameCount));

  app.get('/projects/:id/videos', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: Type.Array(HawkVideo) } } }, async (request) => {
    await s.context.ofProject(request.params.id, userWith(request));
    const videos = await s.videos.listByProject(request.params.id);
    return Promise.all(videos.map(withShare));
  });

  app.post('/projects/:id/videos', { config: { access: ADMIN }, schema: { params: IdParams, body: HawkCreateVideoBody, response: { 201: HawkVideo } } }, async (request, reply) => {
    const user = userWith(request, 'admin');
    await s.projects.get(request.params.id);
    return reply.status(201).send(await withShare(await s.videos.create(request.params.id, request.body, user.id)));
  });

  app.get('/videos/:id', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: HawkVideo } } }, async (request) => withShare((await s.context.ofVideo(request.params.id, userWith(request), false)).video));

  app.patch(
    '/videos/:id/content',
    { config: { access: ADMIN }, schema: { params: IdParams, headers: Type.Object({ 'upload-offset': Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) }), response: { 200: HawkVideo } } },
    async (request) => {
      userWith(request, 'admin');
      if (request.headers['content-type'] !== 'application/octet-stream') {
        throw badRequest('Send the video bytes as Content-Type: application/octet-stream.');
      }
      const video = await s.videos.appendChunk(request.params.id, request.headers['upload-offset'], request.body as Readable);
      return withShare(video);
    },
  );

  app.delete('/videos/:id', { config: { access: ADMIN }, schema: { params: IdParams, response: { 200: OkResponse } } }, async (request) => {
    userWith(request, 'admin');
    await s.videos.remove(request.params.id);
    return { ok: true as const };
  });

  // Several frames in one response for prefetching: the JPEGs back to back, their byte lengths in
  // X-Frame-Lengths (the client slices the body). Same caching as single frames: frames never change.
  app.get(
    '/videos/:id/frames',
    { config: { access: ANNOTATE }, schema: { params: IdParams, querystring: Type.Object({ from: FrameIndex, count: Type.Integer({ minimum: 1, maximum: 64, default: 16 }) }) } },
    async (request, reply) => {
      await s.context.ofVideo(request.params.id, userWith(request), false);
      const frames = await s.videos.framePaths(request.params.id, request.query.from, request.query.count);
      const bodies = await Promise.all(frames.map((f) => readFile(f.path)));
      return reply
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('content-type', 'application/octet-stream')
        .header('x-frame-first', String(request.query.from))
        .header('x-frame-lengths', bodies.map((b) => b.length).join(','))
        .header('access-control-expose-headers', 'x-frame-first, x-frame-lengths')
        .send(Buffer.concat(bodies));
    },
  );

  app.get('/videos/:id/frames/:index', { config: { access: ANNOTATE }, schema: { params: Type.Object({ id: Id, index: FrameIndex }) } }, async (request, reply) => {
    await s.context.ofVideo(request.params.id, userWith(request), false);
    const path = await s.videos.framePath(request.params.id, request.params.index);
    return sendFrame(request, reply, path, `v${request.params.id}f${request.params.index}`);
  });
}
