import { HawkPrelabelBody, HawkPrelabelJob } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { HawkServices } from '../../hawk-services.ts';
import { ANNOTATE } from '@sightline/auth';
import { userWith } from '../../plugins/auth.ts';
import { AccessService } from '../../services/access.service.ts';
import { IdParams } from '../params.ts';

/** Model-assisted pre-labeling: queue a detector run over a frame range, follow its jobs. */
export function prelabelRoutes(app: ServiceApp, s: HawkServices): void {
  app.post('/videos/:id/prelabel', { config: { access: ANNOTATE }, schema: { params: IdParams, body: HawkPrelabelBody, response: { 202: HawkPrelabelJob } } }, async (request, reply) => {
    const user = userWith(request);
    const { video, project } = await s.context.ofVideo(request.params.id, user);
    if (request.body.setId !== undefined) {
      const set = await s.annotations.set(request.body.setId);
      if (set.videoId === video.id) {
        await s.access.checkSet(user, set);
        AccessService.checkRange(set, {}, [request.body.frameFrom, request.body.frameTo]);
      }
    }
    return reply.status(202).send(await s.prelabel.request(video, project, s.videos.framesDir(video.id), request.body, user));
  });

  app.get('/videos/:id/prelabel', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: Type.Array(HawkPrelabelJob) } } }, async (request) => {
    await s.context.ofVideo(request.params.id, userWith(request), false);
    return s.prelabel.list(request.params.id);
  });

  app.get('/prelabel/:id', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: HawkPrelabelJob } } }, async (request) => {
    const job = await s.prelabel.get(request.params.id);
    await s.context.ofVideo(job.videoId, userWith(request), false);
    return job;
  });
}
