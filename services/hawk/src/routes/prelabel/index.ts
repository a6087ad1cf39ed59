import { ANNOTATE } from '@sightline/auth';
import { HawkPrelabelBody, HawkPrelabelJob } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userWith } from '../../plugins/auth.ts';
import type { ContextService } from '../../services/context.ts';
import type { PrelabelService } from '../../services/prelabel.service.ts';
import type { VideoService } from '../../services/video.service.ts';
import { IdParams } from '../params.ts';

export interface PrelabelRouteServices {
  readonly context: ContextService;
  readonly prelabel: PrelabelService;
  readonly videos: VideoService;
}

/** Model-assisted pre-labeling: queue a detector run over a frame range, follow its jobs. */
export const prelabelRoutes: FastifyPluginAsyncTypebox<PrelabelRouteServices> = async (app, { context, prelabel, videos }) => {
  app.post('/videos/:id/prelabel', { config: { access: ANNOTATE }, schema: { params: IdParams, body: HawkPrelabelBody, response: { 202: HawkPrelabelJob } } }, async (request, reply) => {
    const user = userWith(request);
    const { video, project } = await context.ofVideo(request.params.id, user);
    if (request.body.setId !== undefined) await context.checkRangeOfSet(video, request.body.setId, user, [request.body.frameFrom, request.body.frameTo]);
    return reply.status(202).send(await prelabel.request(video, project, videos.framesDir(video.id), request.body, user));
  });

  app.get('/videos/:id/prelabel', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: Type.Array(HawkPrelabelJob) } } }, async (request) => {
    await context.ofVideo(request.params.id, userWith(request), false);
    return prelabel.list(request.params.id);
  });

  app.get('/prelabel/:id', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: HawkPrelabelJob } } }, async (request) => {
    const job = await prelabel.get(request.params.id);
    await context.ofVideo(job.videoId, userWith(request), false);
    return job;
  });
};
