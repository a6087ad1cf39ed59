import { ANNOTATE } from '@sightline/auth';
import { HAWK_LIMITS, HawkExportFormat, HawkImportFormat, HawkImportResult, Id } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userWith } from '../../plugins/auth.ts';
import type { ContextService } from '../../services/context.ts';
import type { ExportService } from '../../services/export.service.ts';
import type { ImportService } from '../../services/import.service.ts';
import { IdParams } from '../params.ts';

export interface TransferRouteServices {
  readonly context: ContextService;
  readonly exporter: ExportService;
  readonly importer: ImportService;
}

/** Export of approved labels (hawk, coco, mot, yolo) and import of MOT text, COCO JSON or Hawk JSON into a set. */
export const transferRoutes: FastifyPluginAsyncTypebox<TransferRouteServices> = async (app, { context, exporter, importer }) => {
  app.get(
    '/videos/:id/export',
    {
      config: { access: ANNOTATE },
      schema: {
        params: IdParams,
        querystring: Type.Object({ format: HawkExportFormat, images: Type.Boolean({ default: false, description: 'coco and yolo: a ZIP with the frame images (images/000001.jpg = frame 1)' }) }),
        response: {
          200: {
            description: 'A download (Content-Disposition names the file): Hawk or COCO JSON, MOTChallenge text (gt.txt), or a ZIP (YOLO, and COCO with images=true)',
            content: { 'application/json': { schema: {} }, 'text/plain': { schema: { type: 'string' } }, 'application/zip': { schema: { type: 'string', format: 'binary' } } },
          },
        },
      },
    },
    async (request, reply) => {
      const { video, project } = await context.ofVideo(request.params.id, userWith(request));
      const file = await exporter.file(video, project, request.query.format, request.query.images);
      if (file.contentType) reply.type(file.contentType);
      return reply.header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.body);
    },
  );

  app.post(
    '/videos/:id/import',
    {
      config: { access: ANNOTATE },
      bodyLimit: HAWK_LIMITS.importBytes,
      schema: {
        params: IdParams,
        querystring: Type.Object({ format: HawkImportFormat, setId: Type.Optional(Id), label: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 201: HawkImportResult },
      },
    },
    async (request, reply) => {
      const user = userWith(request);
      const { video, project } = await context.ofVideo(request.params.id, user);
      const set = await context.writableSet(video, request.query.setId, user);
      const sightings = importer.parse(request.query.format, request.body, project.labelSchema, request.query.label);
      return reply.status(201).send(await importer.write(set, sightings, user, { schema: project.labelSchema, frameCount: video.frameCount }));
    },
  );
};
