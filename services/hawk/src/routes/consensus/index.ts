import { HawkAssignment, HawkAssignmentBody, HawkMergeBody, HawkMergeResult, HawkReview, HawkReviewBody } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { HawkServices } from '../../hawk-services.ts';
import { ANNOTATE, REVIEW } from '@sightline/auth';
import { userWith } from '../../plugins/auth.ts';
import { IdParams } from '../params.ts';

/** Assignments with replicas, consensus merges and reviews. */
export function consensusRoutes(app: ServiceApp, s: HawkServices): void {
  app.get('/videos/:id/assignments', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: Type.Array(HawkAssignment) } } }, async (request) => {
    const user = userWith(request);
    await s.context.ofVideo(request.params.id, user, false);
    return s.access.visibleAssignments(user, await s.consensus.list(request.params.id));
  });

  app.post('/videos/:id/assignments', { config: { access: REVIEW }, schema: { params: IdParams, body: HawkAssignmentBody, response: { 201: HawkAssignment } } }, async (request, reply) => {
    const user = userWith(request, 'reviewer');
    const { video, project } = await s.context.ofVideo(request.params.id, user);
    return reply.status(201).send(await s.consensus.create(video.id, project, video.frameCount, request.body, user));
  });

  app.post('/assignments/:id/merge', { config: { access: REVIEW }, schema: { params: IdParams, body: HawkMergeBody, response: { 201: HawkMergeResult } } }, async (request, reply) => {
    const user = userWith(request, 'reviewer');
    return reply.status(201).send(await s.consensus.merge(request.params.id, request.body, user));
  });

  app.post('/sets/:id/reviews', { config: { access: REVIEW }, schema: { params: IdParams, body: HawkReviewBody, response: { 201: HawkReview } } }, async (request, reply) => {
    const user = userWith(request, 'reviewer');
    const { video } = await s.context.ofSet(request.params.id, user);
    return reply.status(201).send(await s.reviews.review(request.params.id, video.frameCount, request.body, user));
  });

  app.get('/videos/:id/reviews', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: Type.Array(HawkReview) } } }, async (request) => {
    const user = userWith(request);
    await s.context.ofVideo(request.params.id, user, false);
    return s.access.visibleReviews(user, await s.reviews.list(request.params.id), await s.annotations.listSets(request.params.id));
  });
}
