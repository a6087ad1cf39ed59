import { ANNOTATE } from '@sightline/auth';
import { HawkMyAssignment } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { HawkServices } from '../../hawk-services.ts';
import { userWith } from '../../plugins/auth.ts';

/** The caller's own work: an annotator's "my assignments" home. */
export function myWorkRoutes(app: ServiceApp, s: HawkServices): void {
  app.get('/me/assignments', { config: { access: ANNOTATE }, schema: { response: { 200: Type.Array(HawkMyAssignment) } } }, async (request) => s.team.myAssignments(userWith(request)));
}
