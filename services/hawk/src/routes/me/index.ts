import { ANNOTATE } from '@sightline/auth';
import { HawkMyAssignment } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userWith } from '../../plugins/auth.ts';
import type { TeamService } from '../../services/team.service.ts';

/** The caller's own work: an annotator's "my assignments" home. */
export const myWorkRoutes: FastifyPluginAsyncTypebox<{ readonly team: TeamService }> = async (app, { team }) => {
  app.get('/me/assignments', { config: { access: ANNOTATE }, schema: { response: { 200: Type.Array(HawkMyAssignment) } } }, async (request) => team.myAssignments(userWith(request)));
};
