import { HawkProject, HawkProjectBody, HawkSchemaUpdateBody } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { HawkServices } from '../../hawk-services.ts';
import { ADMIN, ANNOTATE } from '@sightline/auth';
import { userWith } from '../../plugins/auth.ts';
import { IdParams } from '../params.ts';

/** Projects and their label schemas. */
export function projectRoutes(app: ServiceApp, s: HawkServices): void {
  app.get('/projects', { config: { access: ANNOTATE }, schema: { response: { 200: Type.Array(HawkProject) } } }, async () => s.projects.list());

  app.post('/projects', { config: { access: ADMIN }, schema: { body: HawkProjectBody, response: { 201: HawkProject } } }, async (request, reply) => {
    const user = userWith(request, 'admin');
    return reply.status(201).send(await s.projects.create(request.body, user.id));
  });

  app.get('/projects/:id', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: HawkProject } } }, async (request) => s.projects.get(request.params.id));

  app.put('/projects/:id/schema', { config: { access: ADMIN }, schema: { params: IdParams, body: HawkSchemaUpdateBody, response: { 200: HawkProject } } }, async (request) => {
    userWith(request, 'admin');
    return s.projects.updateSchema(request.params.id, request.body);
  });
}
