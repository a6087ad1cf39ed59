import { ANNOTATE, REVIEW } from '@sightline/auth';
import { HawkAssignment, HawkAssignmentBody, HawkMergeBody, HawkMergeResult, HawkReview, HawkReviewBody } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userWith } from '../../plugins/auth.ts';
import type { AccessService } from '../../services/access.service.ts';
import type { AnnotationService } from '../../services/annotation.service.ts';
import type { ConsensusService } from '../../services/consensus.service.ts';
import type { ContextService } from '../../services/context.ts';
import type { ReviewService } from '../../services/review.service.ts';
import { IdParams } from '../params.ts';

export interface ConsensusRouteServices {
  readonly context: ContextService;
  readonly consensus: ConsensusService;
  readonly reviews: ReviewService;
  readonly annotations: AnnotationService;
  readonly access: AccessService;
}

/** Assignments with replicas, consensus merges and reviews. */
export const consensusRoutes: FastifyPluginAsyncTypebox<ConsensusRouteServices> = async (app, { context, consensus, reviews, annotations, access }) => {
  app.get('/videos/:id/assignments', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: Type.Array(HawkAssignment) } } }, async (request) => {
    const user = userWith(request);
    await context.ofVideo(request.params.id, user, false);
    return access.visibleAssignments(user, await consensus.list(request.params.id));
  });

  app.post('/videos/:id/assignments', { config: { access: REVIEW }, schema: { params: IdParams, body: HawkAssignmentBody, response: { 201: HawkAssignment } } }, async (request, reply) => {
    const user = userWith(request, 'reviewer');
    const { video, project } = await context.ofVideo(request.params.id, user);
    return reply.status(201).send(await consensus.create(video.id, project, video.frameCount, request.body, user));
  });

  app.post('/assignments/:id/merge', { config: { access: REVIEW }, schema: { params: IdParams, body: HawkMergeBody, response: { 201: HawkMergeResult } } }, async (request, reply) => {
    const user = userWith(request, 'reviewer');
    return reply.status(201).send(await consensus.merge(request.params.id, request.body, user));
  });

  app.post('/sets/:id/reviews', { config: { access: REVIEW }, schema: { params: IdParams, body: HawkReviewBody, response: { 201: HawkReview } } }, async (request, reply) => {
    const user = userWith(request, 'reviewer');
    const { video } = await context.ofSet(request.params.id, user);
    return reply.status(201).send(await reviews.review(request.params.id, video.frameCount, request.body, user));
  });

  app.get('/videos/:id/reviews', { config: { access: ANNOTATE }, schema: { params: IdParams, response: { 200: Type.Array(HawkReview) } } }, async (request) => {
    const user = userWith(request);
    await context.ofVideo(request.params.id, user, false);
    return access.visibleReviews(user, await reviews.list(request.params.id), await annotations.listSets(request.params.id));
  });
};
