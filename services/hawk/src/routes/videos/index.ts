import { ADMIN, ANNOTATE } from '@sightline/auth';
import { FrameIndex, HawkCreateVideoBody, HawkVideo, Id } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { badRequest, binaryResponse } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { Readable } from 'node:stream';
import { sendFrame } from '../../lib/send-frame.ts';
import { userWith } from '../../plugins/auth.ts';
import type { ContextService } from '../../services/context.ts';
import type { ProjectService } from '../../services/project.service.ts';
import type { ReviewService } from '../../services/review.service.ts';
import type { VideoService } from '../../services/video.service.ts';
import { IdParams, OkResponse } from '../params.ts';

export interface VideoRouteServices {
  readonly context: ContextService;
  readonly videos: VideoService;
  readonly projects: ProjectService;
  readonly reviews: ReviewService;
}

/** Video upload (announce, then PATCH chunks of raw bytes), listing, deletion and frame files. */
export const videoRoutes: FastifyPluginAsyncTypebox<VideoRouteServices> = async (app, { context, videos, projects, reviews }) => {
  // Upload bodies stay streams: they go to disk chunk by chunk, never whole into memory.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.get('/projects/:id/videos', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: Type.Array(HawkVideo) } } }, async (request) => {
    await context.ofProject(request.params.id, userWith(request));
    return Promise.all((await videos.listByProject(request.params.id)).map((v) => reviews.withApprovedShare(v)));
  });

  app.post('/projects/:id/videos', { config: { access: ADMIN }, schema: { params: IdParams, body: HawkCreateVideoBody, response: { 201: HawkVideo } } }, async (request, reply) => {
    const user = userWith(request, 'admin');
    await projects.get(request.params.id);
    return reply.status(201).send(await reviews.withApprovedShare(await videos.create(request.params.id, request.body, user.id)));
  });

  app.get('/videos/:id', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: HawkVideo } } }, async (request) =>
    reviews.withApprovedShare((await context.ofVideo(request.params.id, userWith(request), false)).video),
  );

  app.patch(
    '/videos/:id/content',
    {
      config: { access: ADMIN },
      schema: {
        description: 'The body is the next chunk of the video file as raw bytes (Content-Type: application/octet-stream), starting at Upload-Offset.',
        params: IdParams,
        headers: Type.Object({ 'upload-offset': Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) }),
        response: { 200: HawkVideo },
      },
    },
    async (request) => {
      userWith(request, 'admin');
      if (request.headers['content-type'] !== 'application/octet-stream') throw badRequest('Send the video bytes as Content-Type: application/octet-stream.');
      return reviews.withApprovedShare(await videos.appendChunk(request.params.id, request.headers['upload-offset'], request.body as Readable));
    },
  );

  app.delete('/videos/:id', { config: { access: ADMIN }, schema: { params: IdParams, response: { 200: OkResponse } } }, async (request) => {
    userWith(request, 'admin');
    await videos.remove(request.params.id);
    return { ok: true as const };
  });

  // Several frames in one response for prefetching: the JPEGs back to back, their byte lengths in
  // X-Frame-Lengths (the client slices the body). Same caching as single frames: frames never change.
  app.get(
    '/videos/:id/frames',
    {
      config: { access: ANNOTATE },
      schema: {
        params: IdParams,
        querystring: Type.Object({ from: FrameIndex, count: Type.Integer({ minimum: 1, maximum: 64, default: 16 }) }),
        response: { 200: binaryResponse('application/octet-stream', 'JPEG frames back to back; X-Frame-First is the first index, X-Frame-Lengths their byte lengths') },
      },
    },
    async (request, reply) => {
      await context.ofVideo(request.params.id, userWith(request), false);
      const { bytes, lengths } = await videos.frameBundle(request.params.id, request.query.from, request.query.count);
      return reply
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('content-type', 'application/octet-stream')
        .header('x-frame-first', String(request.query.from))
        .header('x-frame-lengths', lengths.join(','))
        .header('access-control-expose-headers', 'x-frame-first, x-frame-lengths')
        .send(bytes);
    },
  );

  app.get(
    '/videos/:id/frames/:index',
    { config: { access: ANNOTATE }, schema: { params: Type.Object({ id: Id, index: FrameIndex }), response: { 200: binaryResponse('image/jpeg', 'The extracted frame (ETag, byte ranges)') } } },
    async (request, reply) => {
      await context.ofVideo(request.params.id, userWith(request), false);
      const path = await videos.framePath(request.params.id, request.params.index);
      return sendFrame(request, reply, path, `v${request.params.id}f${request.params.index}`);
    },
  );
};
