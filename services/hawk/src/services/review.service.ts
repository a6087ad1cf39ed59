import type { HawkReview, HawkReviewBody, HawkUser, HawkVideo } from '@sightline/contracts';
import type { VideoRow } from '../repositories/video.repository.ts';
import { badRequest } from '@sightline/server-kit';
import type { AssignmentRepository } from '../repositories/assignment.repository.ts';
import { approvedSources } from './export.service.ts';

/** Approve/reject decisions on frame ranges of a set; the latest decision covering a frame wins. */
export class ReviewService {
  constructor(private readonly assignments: AssignmentRepository) {}

  async review(setId: number, frameCount: number, body: HawkReviewBody, reviewer: HawkUser): Promise<HawkReview> {
    if (body.frameTo < body.frameFrom) throw badRequest(`frameTo ${body.frameTo} (frame ${body.frameTo + 1}) is before frameFrom ${body.frameFrom} (frame ${body.frameFrom + 1}); frame fields are 0-based indices.`);
    if (body.frameTo >= frameCount) throw badRequest(`frameTo ${body.frameTo} (frame ${body.frameTo + 1}) is past the last frame ${frameCount} (index ${frameCount - 1}).`);
    if (body.decision === 'rejected' && body.comment.trim() === '') throw badRequest('Say why in "comment" when rejecting, so the annotator knows what to fix.');
    const id = await this.assignments.addReview(setId, body.frameFrom, body.frameTo, body.decision, body.comment, reviewer.id);
    const reviews = await this.assignments.reviewsOfVideo((await this.videoOfReview(id))!);
    return reviews.find((r) => r.id === id)!;
  }

  private async videoOfReview(reviewId: number): Promise<number | undefined> {
    return this.assignments.videoOfReview(reviewId);
  }

  list(videoId: number): Promise<HawkReview[]> {
    return this.assignments.reviewsOfVideo(videoId);
  }

  /** The video as the API shows it, with the share of its frames approved. */
  async withApprovedShare(video: VideoRow): Promise<HawkVideo> {
    return { ...video, approvedShare: await this.approvedShare(video.id, video.frameCount) };
  }

  /** Share of the video's frames whose latest decision is an approval. */
  async approvedShare(videoId: number, frameCount: number): Promise<number> {
    if (frameCount === 0) return 0;
    const sources = approvedSources(await this.list(videoId), frameCount);
    return sources.filter((s) => s !== null).length / frameCount;
  }
}
