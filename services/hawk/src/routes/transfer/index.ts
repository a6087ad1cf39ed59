import { HAWK_LIMITS, HawkExportFormat, HawkImportResult, Id } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { HawkServices } from '../../hawk-services.ts';
import { badRequest } from '@sightline/server-kit';
import { zipStore, zipStream, type ZipEntry } from '../../lib/zip-writer.ts';
import { Readable } from 'node:stream';
import { ANNOTATE } from '@sightline/auth';
import { userWith } from '../../plugins/auth.ts';
import { IdParams } from '../params.ts';

/** Export of approved labels (hawk, coco, mot, yolo) and import of MOT text, COCO JSON or Hawk JSON into a set. */
export function transferRoutes(app: ServiceApp, s: HawkServices): void {
  app.get(
    '/videos/:id/export',
    {
      config: { access: ANNOTATE }, schema: {
        params: IdParams,
        querystring: Type.Object({ format: HawkExportFormat, images: Type.Boolean({ default: false, description: 'coco and yolo: a ZIP with the frame images (images/000001.jpg = frame 1)' }) }),
      },
    },
    async (request, reply) => {
      const { video, project } = await s.context.ofVideo(request.params.id, userWith(request));
      const data = await s.exporter.approved(video, await s.reviews.list(video.id));
      const base = `video-${video.id}`;
      const zip = (name: string, entries: ZipEntry[]) => {
        async function* all() {
          yield* entries;
          yield* s.exporter.images(s.videos.framesDir(video.id), data);
        }
        return reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="${name}"`).send(Readable.from(zipStream(all())));
      };
      if (request.query.images && request.query.format === 'coco') return zip(`${base}.coco.zip`, [{ name: 'annotations.json', data: JSON.stringify(s.exporter.coco(video, project.labelSchema, data)) }]);
      if (request.query.images && request.query.format === 'yolo') return zip(`${base}.yolo.zip`, s.exporter.yolo(video, project.labelSchema, data));
      switch (request.query.format) {
        case 'hawk':
          return reply.header('content-disposition', `attachment; filename="${base}.hawk.json"`).send(s.exporter.hawk(video, project.labelSchema, data));
        case 'coco':
          return reply.header('content-disposition', `attachment; filename="${base}.coco.json"`).send(s.exporter.coco(video, project.labelSchema, data));
        case 'mot':
          return reply.header('content-type', 'text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${base}.gt.txt"`).send(s.exporter.mot(project.labelSchema, data));
        case 'yolo':
          return reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="${base}.yolo.zip"`).send(zipStore(s.exporter.yolo(video, project.labelSchema, data)));
      }
    },
  );

  app.post(
    '/videos/:id/import',
    {
      config: { access: ANNOTATE },
      bodyLimit: HAWK_LIMITS.importBytes,
      schema: {
        params: IdParams,
        querystring: Type.Object({ format: Type.Union([Type.Literal('mot'), Type.Literal('coco'), Type.Literal('hawk')]), setId: Type.Optional(Id), label: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 201: HawkImportResult },
      },
    },
    async (request, reply) => {
      const user = userWith(request);
      const { video, project } = await s.context.ofVideo(request.params.id, user);
      const set = request.query.setId ? await s.annotations.set(request.query.setId) : await s.annotations.mainSet(video.id);
      if (set.videoId !== video.id) throw badRequest(`Set ${set.id} belongs to video ${set.videoId}, not ${video.id}.`);
      await s.access.checkSet(user, set);
      const ctx = { schema: project.labelSchema, frameCount: video.frameCount };
      let sightings;
      if (request.query.format === 'mot') {
        if (typeof request.body !== 'string') throw badRequest('Send the MOTChallenge file as Content-Type: text/plain.');
        sightings = s.importer.fromMot(request.body, project.labelSchema, request.query.label);
      } else if (request.query.format === 'coco') {
        if (typeof request.body !== 'object' || request.body === null) throw badRequest('Send the COCO file as Content-Type: application/json.');
        sightings = s.importer.fromCoco(request.body, project.labelSchema);
      } else {
        if (typeof request.body !== 'object' || request.body === null) throw badRequest('Send the Hawk JSON file as Content-Type: application/json.');
        sightings = s.importer.fromHawk(request.body);
      }
      return reply.status(201).send(await s.importer.write(set.id, sightings, user, ctx));
    },
  );
}
