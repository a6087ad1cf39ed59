import { ADMIN, ANNOTATE, REVIEW } from '@sightline/auth';
import { HawkMembersBody, HawkProject, HawkProjectBody, HawkSchemaUpdateBody, HawkUser } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userWith } from '../../plugins/auth.ts';
import type { AccessService } from '../../services/access.service.ts';
import type { ContextService } from '../../services/context.ts';
import type { ProjectService } from '../../services/project.service.ts';
import type { TeamService } from '../../services/team.service.ts';
import { IdParams } from '../params.ts';

export interface ProjectRouteServices {
  readonly context: ContextService;
  readonly projects: ProjectService;
  readonly team: TeamService;
  readonly access: AccessService;
}

/** Projects, their label schemas and members (annotators see only projects they are members of). */
export const projectRoutes: FastifyPluginAsyncTypebox<ProjectRouteServices> = async (app, { context, projects, team, access }) => {
  app.get('/projects', { config: { access: ANNOTATE }, schema: { response: { 200: Type.Array(HawkProject) } } }, async (request) => access.visibleProjects(userWith(request), await projects.list()));

  app.post('/projects', { config: { access: ADMIN }, schema: { body: HawkProjectBody, response: { 201: HawkProject } } }, async (request, reply) => {
    const user = userWith(request, 'admin');
    return reply.status(201).send(await projects.create(request.body, user.id));
  });

  app.get('/projects/:id', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: HawkProject } } }, async (request) => context.ofProject(request.params.id, userWith(request)));

  app.put('/projects/:id/schema', { config: { access: ADMIN }, schema: { params: IdParams, body: HawkSchemaUpdateBody, response: { 200: HawkProject } } }, async (request) => {
    userWith(request, 'admin');
    return projects.updateSchema(request.params.id, request.body);
  });

  // Reviewers pick annotators for assignments from this list.
  app.get('/projects/:id/members', { config: { access: REVIEW }, schema: { params: IdParams, response: { 200: Type.Array(HawkUser) } } }, async (request) => {
    await context.ofProject(request.params.id, userWith(request, 'reviewer'));
    return team.projectMembers(request.params.id);
  });

  app.put('/projects/:id/members', { config: { access: ADMIN }, schema: { params: IdParams, body: HawkMembersBody, response: { 200: Type.Array(HawkUser) } } }, async (request) => {
    const user = userWith(request, 'admin');
    await projects.get(request.params.id);
    return team.setMembers(request.params.id, request.body.userIds, user);
  });
};
