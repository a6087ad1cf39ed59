import { ANNOTATE } from '@sightline/auth';
import { FrameIndex, HawkAnnotations, HawkAnnotationSetInfo, HawkHistoryEntry, HawkSaveBody, HawkSaveResponse, INT4_MAX } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userWith } from '../../plugins/auth.ts';
import type { AccessService } from '../../services/access.service.ts';
import type { AnnotationService } from '../../services/annotation.service.ts';
import type { ContextService } from '../../services/context.ts';
import { IdParams } from '../params.ts';

export interface AnnotationRouteServices {
  readonly context: ContextService;
  readonly annotations: AnnotationService;
  readonly access: AccessService;
}

/** Annotation sets of a video, reading a frame range, incremental versioned saves, history. */
export const annotationRoutes: FastifyPluginAsyncTypebox<AnnotationRouteServices> = async (app, { context, annotations, access }) => {
  app.get('/videos/:id/sets', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: Type.Array(HawkAnnotationSetInfo) } } }, async (request) => {
    const user = userWith(request);
    await context.ofVideo(request.params.id, user, false);
    return access.visibleSets(user, await annotations.listSets(request.params.id));
  });

  app.get(
    '/sets/:id/annotations',
    {
      config: { access: ANNOTATE },
      schema: {
        params: IdParams,
        querystring: Type.Object({ from: Type.Integer({ minimum: 0, maximum: INT4_MAX, default: 0 }), to: Type.Optional(FrameIndex) }),
        response: { 200: HawkAnnotations },
      },
    },
    async (request) => {
      // A replica or merged set is read inside its assignment's range unless asked otherwise.
      const { set, video } = await context.ofSet(request.params.id, userWith(request));
      const from = request.query.from ?? set.frameFrom ?? 0;
      const to = request.query.to ?? set.frameTo ?? video.frameCount - 1;
      return annotations.read(request.params.id, from, to);
    },
  );

  app.patch(
    '/sets/:id/annotations',
    { config: { access: ANNOTATE }, bodyLimit: 16 * 1024 * 1024, schema: { params: IdParams, body: HawkSaveBody, response: { 200: HawkSaveResponse } } },
    async (request) => {
      const user = userWith(request);
      const { set, video, project } = await context.ofSet(request.params.id, user);
      const version = await annotations.save(set, request.body, user, { schema: project.labelSchema, frameCount: video.frameCount });
      return { version };
    },
  );

  app.get(
    '/sets/:id/history',
    { config: { access: ANNOTATE }, schema: { params: IdParams, querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }), response: { 200: Type.Array(HawkHistoryEntry) } } },
    async (request) => {
      await context.ofSet(request.params.id, userWith(request));
      return annotations.history(request.params.id, request.query.limit);
    },
  );
};
