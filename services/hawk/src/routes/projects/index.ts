import { HawkMembersBody, HawkProject, HawkProjectBody, HawkSchemaUpdateBody, HawkUser } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { HawkServices } from '../../hawk-services.ts';
import { ADMIN, ANNOTATE, REVIEW } from '@sightline/auth';
import { userWith } from '../../plugins/auth.ts';
import { IdParams } from '../params.ts';

/** Projects, their label schemas and members (annotators see only projects they are members of). */
export function projectRoutes(app: ServiceApp, s: HawkServices): void {
  app.get('/projects', { config: { access: ANNOTATE }, schema: { response: { 200: Type.Array(HawkProject) } } }, async (request) => s.access.visibleProjects(userWith(request), await s.projects.list()));

  app.post('/projects', { config: { access: ADMIN }, schema: { body: HawkProjectBody, response: { 201: HawkProject } } }, async (request, reply) => {
    const user = userWith(request, 'admin');
    return reply.status(201).send(await s.projects.create(request.body, user.id));
  });

  app.get('/projects/:id', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: HawkProject } } }, async (request) => s.context.ofProject(request.params.id, userWith(request)));

  app.put('/projects/:id/schema', { config: { access: ADMIN }, schema: { params: IdParams, body: HawkSchemaUpdateBody, response: { 200: HawkProject } } }, async (request) => {
    userWith(request, 'admin');
    return s.projects.updateSchema(request.params.id, request.body);
  });

  // Reviewers pick annotators for assignments from this list.
  app.get('/projects/:id/members', { config: { access: REVIEW }, schema: { params: IdParams, response: { 200: Type.Array(HawkUser) } } }, async (request) => {
    await s.context.ofProject(request.params.id, userWith(request, 'reviewer'));
    return s.team.projectMembers(request.params.id);
  });

  app.put('/projects/:id/members', { config: { access: ADMIN }, schema: { params: IdParams, body: HawkMembersBody, response: { 200: Type.Array(HawkUser) } } }, async (request) => {
    const user = userWith(request, 'admin');
    await s.projects.get(request.params.id);
    return s.team.setMembers(request.params.id, request.body.userIds, user);
  });
}
